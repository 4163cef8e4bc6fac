/** Shared by the kernel tests: run the same computation on cpu and on wasm or webgpu, compare. */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
// Registers tfjs's gradient functions (tfjs-core's CommonJS build does not).
import '@tensorflow/tfjs-layers'
import { getKernel } from '@tensorflow/tfjs-core'
import type { KernelConfig } from '@tensorflow/tfjs-core'
import { expect } from 'vitest'
import { activateBackend } from '../index'

/** Makes cpu the backend, without its "install tfjs-node" banner in the test output. */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu')
  ;(tf.backend() as { firstUse?: boolean }).firstUse = false
}

/** Deterministic values in [-1, 1) (a small LCG), so failures reproduce. */
export function values(size: number, seed: number): Float32Array {
  const out = new Float32Array(size)
  let state = seed * 2654435761 + 1
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    out[i] = state / 2 ** 31 - 1
  }
  return out
}

/**
 * Runs `compute` on the cpu backend and then on `backend` (wasm or webgpu with our kernels);
 * returns both results. tfjs's IS_TEST mode is on meanwhile (unless `leakCheck` is false: it
 * misfires on cpu for ops with a custom gradient, such as softmaxCrossEntropy), so a kernel that
 * leaves data behind fails the test. On webgpu, small operands stay on the GPU too (tfjs hands
 * them to the CPU by default). With `ours`, also asserts that it is the kernel registered for
 * `backend` under its name (a failed registration would otherwise pass, running the shipped one).
 */
export async function onCpuAnd(
  backend: 'wasm' | 'webgpu',
  compute: () => tf.Tensor | tf.Tensor[],
  options: { ours?: KernelConfig; leakCheck?: boolean } = {},
): Promise<{ cpu: Float32Array[]; other: Float32Array[] }> {
  const leakCheck = options.leakCheck ?? true
  const run = async (name: 'cpu' | 'wasm' | 'webgpu') => {
    if (name === 'cpu') await useCpu()
    else await activateBackend(name)
    if (name === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false)
    tf.env().set('IS_TEST', leakCheck)
    const result = (() => {
      try {
        return tf.tidy(compute)
      } finally {
        tf.env().set('IS_TEST', false)
      }
    })()
    const tensors = Array.isArray(result) ? result : [result]
    const data = await Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array))
    tf.dispose(tensors)
    return data
  }
  const cpu = await run('cpu')
  const other = await run(backend)
  if (options.ours) expectRegistered(options.ours, backend)
  return { cpu, other }
}

/** `onCpuAnd('wasm', compute)`, named for the wasm kernel tests; with `ours`, asserts it is registered. */
export async function onCpuAndWasm(
  compute: () => tf.Tensor | tf.Tensor[],
  ours?: KernelConfig,
): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const { cpu, other } = await onCpuAnd('wasm', compute, { ours })
  return { cpu, wasm: other }
}

/** Asserts that `ours` is the kernel tfjs runs for its name on `backend`. */
export function expectRegistered(ours: KernelConfig, backend: string = ours.backendName): void {
  const registered = getKernel(ours.kernelName, backend)
  expect(registered?.kernelFunc, `${ours.kernelName} registered for ${backend}`).toBe(ours.kernelFunc)
}

/**
 * Every element within `rtol` of the reference's largest magnitude (float32 sums reorder). A NaN
 * or an infinity on either side fails at once, wherever it is: no tolerance covers it.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-4,
  label = '',
): void {
  expect(actual.length, `${label} length`).toBe(expected.length)
  let scale = 1e-6
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]))
  let worst = 0
  let at = -1
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i])
    if (!Number.isFinite(diff)) {
      expect.fail(`${label} not finite at ${i}: ${actual[i]} vs ${expected[i]}`)
    }
    if (diff > worst) {
      worst = diff
      at = i
    }
  }
  expect(worst / scale, `${label} worst at ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(rtol)
}
