import { mkdtemp, mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '@common/contract'
import { runConfigSchema } from '@common/schemas'
import { activateBackend } from '../backend'
import { clearDatasetCache } from '../data'
import { buildModel } from '../model/build-model'
import { runPaths } from '../run-files/paths'
import { writeRecord } from '../run-files/record'
import { saveCheckpoint } from '../train/checkpoint'
import { runTrainingLoop } from '../train/loop'
import { createOptimizer } from '../train/optimizer'
import { Rng } from '../train/rng'
import { TINY_ARCHITECTURE, barData, writeBarDataset } from '../train/test-data'
import { decodeTensor } from './encode'
import { RunInspector } from './inspector'

const RUN = '20250101-000000-bars'
let home: string
const config = runConfigSchema.parse({
  architecture: TINY_ARCHITECTURE,
  learningRate: 0.01,
  epochs: 3,
  batchSize: 20,
})
let model: tfl.LayersModel
let optimizer: tf.Optimizer
const rng = new Rng(5)
const progress: [string, number, number][] = []
let inspector: RunInspector

/** Trains the run's model for `epochs` more epochs and checkpoints it like a training process. */
async function trainAndCheckpoint(from: number, to: number) {
  await runTrainingLoop({
    model,
    optimizer,
    data: barData(300, 100),
    config: { ...config, epochs: to },
    startEpoch: from,
    rng,
    augmentRng: new Rng(6),
    shouldStop: () => false,
    onEpoch: (report) =>
      saveCheckpoint(runPaths(home, RUN).checkpoints, model, optimizer, {
        epoch: report.metrics.epoch,
        rng: rng.state,
        elapsedMs: 0,
        optimizer: 'adam',
      }),
  })
}

beforeAll(async () => {
  // The backend the inspector picks here, made current first so the test's training uses it too.
  await activateBackend('auto')
  model = buildModel(TINY_ARCHITECTURE, [12, 12, 1], 10, 5)
  optimizer = createOptimizer(config)
  home = await mkdtemp(join(tmpdir(), 'cnn-inspect-'))
  const folder = await writeBarDataset(join(home, 'bars'), 300, 100)
  await mkdir(runPaths(home, RUN).dir, { recursive: true })
  const now = new Date().toISOString()
  const record: RunRecord = {
    id: RUN,
    name: 'bars',
    createdAt: now,
    updatedAt: now,
    status: 'running',
    config: { ...config, dataset: { kind: 'folder', path: folder } },
    dataset: null,
    backend: null,
    summary: null,
    checkpointEpoch: 0,
  }
  await writeRecord(runPaths(home, RUN).record, record)
  inspector = new RunInspector({ home, chunkSize: 30, onProgress: (...args) => progress.push(args) })
})
afterAll(async () => {
  inspector.dispose()
  clearDatasetCache()
  await rm(home, { recursive: true, force: true })
})

describe('RunInspector', () => {
  it('says so when the run has no checkpoint yet, and when there is no such run', async () => {
    await expect(inspector.activations(RUN, { kind: 'test', index: 0 })).rejects.toMatchObject({
      code: 'unavailable',
      field: 'runId',
    })
    await expect(inspector.evaluate('20250101-000000-none')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('answers activations, evaluation and images from the newest checkpoint, and follows a running run', async () => {
    await trainAndCheckpoint(1, 2)
    const first = await inspector.activations(RUN, { kind: 'test', index: 7 })
    expect(first.checkpointEpoch).toBe(2)
    expect(first.index).toBe(7)
    expect(first.label).toBe(7)
    expect(first.layers.map((l) => [l.name, l.activations.shape])).toEqual([
      ['conv1', [10, 10, 4]],
      ['pool1', [5, 5, 4]],
    ])
    expect(decodeTensor(first.layers[0].activations).length).toBe(400)
    expect(first.input.shape).toEqual([12, 12, 1])
    expect(first.input.min).toBeGreaterThanOrEqual(-1)
    expect(first.input.max).toBeLessThanOrEqual(1)
    expect(first.filters.shape).toEqual([3, 3, 1, 4])
    expect(first.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
    expect(first.predicted).toBe(first.probabilities.indexOf(Math.max(...first.probabilities)))

    const evaluation = await inspector.evaluate(RUN)
    expect(evaluation.checkpointEpoch).toBe(2)
    expect(evaluation.count).toBe(100)
    expect(evaluation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(100)
    expect(evaluation.accuracy).toBeGreaterThan(0.8)
    expect(progress.at(-1)).toEqual([RUN, 100, 100])
    const labels = Buffer.from(evaluation.labelsBase64, 'base64')
    const predicted = Buffer.from(evaluation.predictedBase64, 'base64')
    expect(labels.length).toBe(100)
    expect(predicted.filter((p, i) => p === labels[i]).length).toBe(Math.round(evaluation.accuracy * 100))
    expect(progress.length).toBe(4)
    // The same checkpoint's evaluation is kept, not computed again.
    expect(await inspector.evaluate(RUN)).toBe(evaluation)
    expect(progress.length).toBe(4)

    const random = await inspector.activations(RUN, { kind: 'random', label: 3, seed: 11 })
    expect(random.label).toBe(3)
    expect(random.index! % 10).toBe(3)
    expect((await inspector.activations(RUN, { kind: 'random', label: 3, seed: 11 })).index).toBe(
      random.index,
    )

    const images = await inspector.images(RUN, [5, 0, 99])
    expect(images.labels).toEqual([5, 0, 9])
    expect(Buffer.from(images.pixelsBase64, 'base64').length).toBe(3 * 144)
    await expect(inspector.images(RUN, [100])).rejects.toMatchObject({ code: 'invalid', field: 'indices' })

    // A new epoch's checkpoint replaces the folder; the next request uses it.
    await trainAndCheckpoint(3, 3)
    const next = await inspector.activations(RUN, { kind: 'test', index: 7 })
    expect(next.checkpointEpoch).toBe(3)
    expect(next.probabilities).not.toEqual(first.probabilities)
    expect((await inspector.evaluate(RUN)).checkpointEpoch).toBe(3)
  })

  it('preprocesses drawn pixels, and rejects pixels that do not match their size', async () => {
    const pixels = new Uint8Array(60 * 60)
    for (let y = 5; y < 20; y++) for (let x = 5; x < 55; x++) pixels[y * 60 + x] = 255
    const drawn = await inspector.activations(RUN, {
      kind: 'pixels',
      width: 60,
      height: 60,
      pixelsBase64: Buffer.from(pixels).toString('base64'),
      preprocess: 'mnist',
    })
    expect(drawn.index).toBeNull()
    expect(drawn.label).toBeNull()
    expect(drawn.input.shape).toEqual([12, 12, 1])
    expect(drawn.input.max).toBe(1)
    await expect(
      inspector.activations(RUN, {
        kind: 'pixels',
        width: 3,
        height: 3,
        pixelsBase64: 'AAAA',
        preprocess: 'mnist',
      }),
    ).rejects.toMatchObject({ code: 'invalid', field: 'image.pixelsBase64' })
  })
})
