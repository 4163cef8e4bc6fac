/**
 * The ONNX export of real runs, checked in onnxruntime-node: a network trained here by the
 * workbench's own training process, exported, loaded in onnxruntime and fed 1,000 MNIST test
 * images prepared as the file's metadata says, gives the same class as the workbench for every
 * image and the same probabilities within 1e-4.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NOTEBOOK_ARCHITECTURE, runConfigSchema, type ArchitectureInput } from '@common/schemas'
import { activateBackend } from '../backend'
import { loadDataset } from '../data'
import { forward } from '../model/build-model'
import { loadCheckpoint } from '../train/checkpoint'
import { chooseCheckpoint } from './export-model'
import { exportOnnx, ONNX_PREPROCESSING } from './export-onnx'
import { managerOnFreshHome } from './test-helpers'

const IMAGES = 1000

/** Batch norm after convolutions and the dense layer, a strided 'same' convolution, average pooling, global pooling. */
const BATCH_NORM_GLOBAL_POOL: ArchitectureInput = {
  convBlocks: [
    { filters: 8, kernelSize: 3, padding: 'same', batchNorm: true, pooling: 'avg' },
    {
      filters: 12,
      kernelSize: 5,
      stride: 2,
      padding: 'same',
      batchNorm: true,
      pooling: 'none',
      dropout: 0.2,
    },
  ],
  globalPooling: 'avg',
  denseLayers: [{ units: 24, batchNorm: true, dropout: 0.1 }],
}

let root = ''
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-onnx-'))
  await activateBackend('wasm')
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** Trains one epoch on 2,000 MNIST images with the workbench's own trainer; its home and run id. */
async function trainedRun(architecture: ArchitectureInput, learningRate: number, batchSize: number) {
  const { home, manager } = await managerOnFreshHome(root)
  const config = runConfigSchema.parse({
    dataset: { kind: 'mnist' },
    architecture,
    epochs: 1,
    trainLimit: 2000,
    batchSize,
    learningRate,
    backend: 'wasm',
  })
  const run = await manager.start(config)
  expect((await manager.waitFor(run.id)).status).toBe('completed')
  return { home, id: run.id }
}

/** The workbench's probabilities of `pixels` (IMAGES images), from the checkpoint as the inspector loads it. */
async function workbenchProbabilities(home: string, id: string, pixels: Float32Array): Promise<Float32Array> {
  const loaded = await loadCheckpoint((await chooseCheckpoint(home, id)).folder)
  tf.dispose(loaded.optimizerWeights.map((w) => w.tensor))
  const probabilities = tf.tidy(() =>
    tf.softmax(forward(loaded.model, tf.tensor4d(pixels, [IMAGES, 28, 28, 1]))),
  )
  const values = (await probabilities.data()) as Float32Array
  probabilities.dispose()
  loaded.model.dispose()
  return values
}

const argmax = (row: Float32Array) => row.indexOf(Math.max(...row))

describe.each([
  ['the notebook network', NOTEBOOK_ARCHITECTURE as ArchitectureInput, 0.001, 50],
  // The small network learns enough in one epoch only with more, smaller steps.
  ['a network with batch norm and global pooling', BATCH_NORM_GLOBAL_POOL, 0.01, 10],
])('ONNX export of %s', (title, architecture, learningRate, batchSize) => {
  it('gives the workbench’s class on 1,000 test images and its probabilities within 1e-4', async () => {
    const { home, id } = await trainedRun(architecture, learningRate, batchSize)
    const exported = await exportOnnx(home, id, '9.9.9')
    const session = await ort.InferenceSession.create(Buffer.from(exported.onnxBase64, 'base64'))
    expect(session.inputNames).toEqual([ONNX_PREPROCESSING.input])
    expect(session.outputNames).toEqual([ONNX_PREPROCESSING.output])
    expect(exported.fileName).toMatch(/^MNIST-adam-.*-epoch1\.onnx$/)
    // The metadata a deployment reads: the scaling, and the class of each output.
    const bytes = Buffer.from(exported.onnxBase64, 'base64')
    expect(bytes.includes('"formula":"(x / 255 - 0.5) / 0.5"')).toBe(true)
    expect(bytes.includes(JSON.stringify(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']))).toBe(true)

    // The images prepared as a deployment would, from the metadata's scale and offset alone.
    const test = (await loadDataset({ kind: 'mnist' }, { home })).test
    const pixels = Float32Array.from(
      test.images.subarray(0, IMAGES * 784),
      (x) => x * ONNX_PREPROCESSING.scale + ONNX_PREPROCESSING.offset,
    )
    const input = new ort.Tensor('float32', pixels, [IMAGES, 28, 28, 1])
    const output = (await session.run({ [ONNX_PREPROCESSING.input]: input }))[ONNX_PREPROCESSING.output]
    expect(output.dims).toEqual([IMAGES, 10])
    const theirs = output.data as Float32Array
    const ours = await workbenchProbabilities(home, id, pixels)

    let sameClass = 0
    let worst = 0
    let right = 0
    for (let i = 0; i < IMAGES; i++) {
      const a = ours.subarray(i * 10, i * 10 + 10)
      const b = theirs.subarray(i * 10, i * 10 + 10)
      if (argmax(a) === argmax(b)) sameClass++
      if (argmax(b) === test.labels[i]) right++
      for (let c = 0; c < 10; c++) worst = Math.max(worst, Math.abs(a[c] - b[c]))
    }
    expect(sameClass).toBe(IMAGES)
    expect(worst).toBeLessThan(1e-4)
    // A trained network, not one that guesses: the comparison means something.
    expect(right / IMAGES).toBeGreaterThan(0.5)
    console.info(
      `${title}: same class ${sameClass}/${IMAGES}, largest probability difference ${worst.toExponential(2)}, ONNX accuracy ${((right / IMAGES) * 100).toFixed(1)}%`,
    )
    await session.release()
  }, 240_000)
})
