/**
 * The real environment of this machine: no native TensorFlow installed, wasm and cpu work, and
 * Dawn finds only Mesa's llvmpipe (through OpenGL ES), a software adapter.
 */
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { describe, expect, it } from 'vitest'
import { UserError } from '../errors'
import { activateBackend, probeBackends } from './index'
import { profileTrainingStep } from './profile'
import { wasmTrainingKernelsRegistered } from './wasm-kernels'

const nativesInstalled = (() => {
  try {
    require.resolve('@tensorflow/tfjs-node')
    return true
  } catch {
    return false
  }
})()

describe.skipIf(nativesInstalled)('backends on a machine without tfjs-node', () => {
  it('probes: natives not installed, wasm selected, cpu available', async () => {
    const report = await probeBackends('auto')
    expect(report.selected).toBe('wasm')
    const byName = Object.fromEntries(report.candidates.map((c) => [c.name, c]))
    expect(byName['tensorflow-gpu']).toMatchObject({ available: false, reason: 'not installed' })
    expect(byName.tensorflow).toMatchObject({ available: false, reason: 'not installed' })
    expect(byName.wasm).toMatchObject({ available: true, package: '@tensorflow/tfjs-backend-wasm' })
    expect(byName.cpu).toMatchObject({ available: true, reason: 'not chosen: wasm is used' })
    expect(byName.webgpu).toMatchObject({
      available: true,
      package: '@tensorflow/tfjs-backend-webgpu',
      adapter: { api: 'OpenGLES', software: true },
    })
    expect(byName.webgpu.adapter?.device).toMatch(/^llvmpipe/)
    expect(byName.webgpu.reason).toMatch(
      /^not chosen: software adapter, wasm is faster on the CPU \(llvmpipe.* \(OpenGLES, software\);/,
    )
    expect(await probeBackends('auto')).toBe(report)
  })

  it('forcing tensorflow is a UserError that says it is not installed', async () => {
    const error = await activateBackend('tensorflow').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toMatch(/tensorflow: not installed/)
  })

  it('activates wasm with our training kernels and trains a conv net on it', async () => {
    const listeners = process.listeners('uncaughtException').length
    const { used } = await activateBackend('wasm')
    expect(used).toMatchObject({ name: 'wasm', version: '4.22.0', threads: 1 })
    expect(used.device).toMatch(/^CPU \(wasm/)
    expect(tf.getBackend()).toBe('wasm')
    expect(wasmTrainingKernelsRegistered()).toBe(true)
    expect(process.listeners('uncaughtException').length).toBe(listeners)

    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 10 }),
      ],
    })
    model.compile({ optimizer: tf.train.adam(1e-2), loss: tf.losses.softmaxCrossEntropy })
    const x = tf.randomUniform([8, 12, 12, 1], -1, 1, 'float32', 1)
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10)
    const first = (await model.trainOnBatch(x, y)) as number
    let last = first
    for (let i = 0; i < 20; i++) last = (await model.trainOnBatch(x, y)) as number
    expect(last).toBeLessThan(first)

    const profile = await profileTrainingStep(() => model.trainOnBatch(x, y))
    const names = profile.kernels.map((k) => k.kernel)
    expect(names).toContain('Conv2DBackpropFilter')
    expect(profile.kernels[0].totalMs).toBeGreaterThanOrEqual(profile.kernels.at(-1)!.totalMs)
    tf.dispose([x, y])
    model.dispose()
  })

  it('activates cpu when forced', async () => {
    const { used, report } = await activateBackend('cpu')
    expect(used).toMatchObject({ name: 'cpu', device: 'CPU (JavaScript)', threads: 1 })
    expect(report.candidates.find((c) => c.name === 'wasm')?.reason).toBe(
      'not chosen: the setting forces cpu',
    )
    expect(tf.getBackend()).toBe('cpu')
  })
})
