import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EpochMetrics } from '@common/contract'
import type { BatchSample } from '@common/run-record'
import { architectureSchema, runConfigSchema, type RunConfigInput } from '@common/schemas'
import { buildModel } from '../model/build-model'
import { loadLatestCheckpoint, saveCheckpoint } from './checkpoint'
import {
  MAX_SAMPLES_PER_EPOCH,
  isSampledBatch,
  runTrainingLoop,
  singleReplicaStep,
  stepImages,
  type EpochReport,
  type LoopOptions,
} from './loop'
import { createOptimizer } from './optimizer'
import { Rng } from './rng'
import { TrainingStep, stepRecipe } from './step'
import { TINY_ARCHITECTURE, barData, colourData } from './test-data'

const data = barData(200, 100)
const config = runConfigSchema.parse({ optimizer: 'adam', learningRate: 0.01, batchSize: 20, epochs: 3 })
/** The run configuration of `epochs` epochs, with `recipe` over the tests' one. */
const loopConfig = (epochs: number, recipe: RunConfigInput = {}) =>
  runConfigSchema.parse({ ...config, ...recipe, epochs })
let dir: string

beforeAll(async () => {
  tf.env().set('PROD', true)
  await tf.setBackend('cpu')
  dir = await mkdtemp(join(tmpdir(), 'cnn-loop-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Trains a fresh tiny model; returns every epoch's metrics and the tensor count after each. */
async function train(epochs: number, extra: Partial<LoopOptions> = {}) {
  const model = extra.model ?? buildModel(TINY_ARCHITECTURE, [12, 12, 1], 10, 5)
  const optimizer = extra.optimizer ?? createOptimizer(config)
  const metrics: EpochMetrics[] = []
  const tensors: number[] = []
  const outcome = await runTrainingLoop({
    model,
    optimizer,
    data,
    config: loopConfig(epochs),
    rng: new Rng(5),
    augmentRng: new Rng(6),
    shouldStop: () => false,
    onEpoch: async (report) => {
      metrics.push(report.metrics)
      tensors.push(tf.memory().numTensors)
    },
    ...extra,
  })
  return { model, optimizer, metrics, tensors, outcome }
}

const figures = (m: EpochMetrics) => [m.epoch, m.trainLoss, m.trainAccuracy, m.valLoss, m.valAccuracy]

describe('runTrainingLoop', () => {
  it('learns, and repeats the same curves for the same seed', async () => {
    const a = await train(3)
    const b = await train(3)
    expect(a.outcome).toBe('completed')
    expect(a.metrics.map(figures)).toEqual(b.metrics.map(figures))
    expect(a.metrics[2].trainLoss).toBeLessThan(a.metrics[0].trainLoss)
    expect(a.metrics[2].valAccuracy).toBeGreaterThan(0.8)
    for (const run of [a, b]) {
      run.model.dispose()
      run.optimizer.dispose()
    }
  })

  it('trains on RGB images: classes that differ only in colour, not brightness, are learned', async () => {
    const colour = colourData(150, 60)
    const run = await train(6, {
      data: colour,
      model: buildModel(TINY_ARCHITECTURE, [12, 12, 3], 3, 5),
      config: loopConfig(6, { batchSize: 15 }),
    })
    expect(run.model.inputs[0].shape).toEqual([null, 12, 12, 3])
    expect(run.metrics.at(-1)!.valAccuracy).toBeGreaterThan(0.9)
    run.model.dispose()
    run.optimizer.dispose()
  })

  it('keeps the number of tensors the same after every epoch, checkpoints included', async () => {
    const before = tf.memory().numTensors
    const model = buildModel(TINY_ARCHITECTURE, [12, 12, 1], 10, 5)
    const optimizer = createOptimizer(config)
    const rng = new Rng(5)
    const tensors: number[] = []
    const run = await train(3, {
      model,
      optimizer,
      rng,
      onEpoch: async ({ metrics }) => {
        await saveCheckpoint(join(dir, 'leaks'), model, optimizer, {
          epoch: metrics.epoch,
          rng: rng.state,
          elapsedMs: 0,
          optimizer: 'adam',
        })
        tensors.push(tf.memory().numTensors)
      },
    })
    run.tensors.push(...tensors)
    expect(run.tensors[1]).toBe(run.tensors[0])
    expect(run.tensors[2]).toBe(run.tensors[0])
    run.model.dispose()
    run.optimizer.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('stops at a batch boundary without finishing the epoch', async () => {
    let batches = 0
    const progress: number[] = []
    const run = await train(2, {
      shouldStop: () => batches++ >= 3,
      progressIntervalMs: 0,
      onProgress: (p) => progress.push(p.batch),
    })
    expect(run.outcome).toBe('stopped')
    expect(run.metrics).toEqual([])
    expect(progress).toEqual([1, 2, 3])
    run.model.dispose()
    run.optimizer.dispose()
  })

  it('samples every batch of a short epoch for metrics.jsonl, however fast the clock runs', async () => {
    const samples: BatchSample[] = []
    // A clock that never moves: a fast machine once kept only the first batch of a quick run.
    const run = await train(2, { now: () => 0, onSample: (s) => samples.push(s) })
    expect(samples.map((s) => s.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    for (const s of samples) expect(s.step).toBe((s.epoch - 1) * 10 + s.batch)
    run.model.dispose()
    run.optimizer.dispose()
  })

  it('keeps at most MAX_SAMPLES_PER_EPOCH evenly spaced batches of a long epoch, and its last', () => {
    const kept = (batches: number) =>
      Array.from({ length: batches }, (_, b) => b).filter((b) => isSampledBatch(b, batches))
    expect(kept(7)).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(kept(MAX_SAMPLES_PER_EPOCH)).toHaveLength(MAX_SAMPLES_PER_EPOCH)
    // The notebook's epoch (MNIST at batch 100): every batch, as the live chart draws them
    // when a batch takes 100 ms or more (a reload then shows the same curve).
    expect(kept(600)).toHaveLength(600)
    // MNIST at batch 32: 1,875 batches, every second kept (the second is index 1), and the last.
    const mnist = kept(1875)
    expect(mnist.length).toBeLessThanOrEqual(MAX_SAMPLES_PER_EPOCH)
    expect(mnist.slice(0, 3)).toEqual([1, 3, 5])
    expect(mnist.at(-1)).toBe(1874)
  })

  it('resumes from a checkpoint exactly where the uninterrupted run would be', async () => {
    const straightSamples: BatchSample[] = []
    const straight = await train(3, { onSample: (s) => straightSamples.push(s) })
    const checkpoints = join(dir, 'checkpoints')
    let rng = new Rng(5)
    const model = buildModel(TINY_ARCHITECTURE, [12, 12, 1], 10, 5)
    const firstOptimizer = createOptimizer(config)
    const first = await train(1, {
      model,
      optimizer: firstOptimizer,
      rng,
      onEpoch: async (report) => {
        await saveCheckpoint(checkpoints, model, firstOptimizer, {
          epoch: report.metrics.epoch,
          rng: rng.state,
          elapsedMs: report.metrics.elapsedMs,
          optimizer: 'adam',
        })
      },
    })
    expect(await readdir(checkpoints)).toEqual(['epoch-000001'])
    first.model.dispose()
    first.optimizer.dispose()

    const loaded = await loadLatestCheckpoint(checkpoints)
    expect(loaded?.state.epoch).toBe(1)
    const optimizer = createOptimizer(config)
    await optimizer.setWeights(loaded!.optimizerWeights)
    rng = new Rng(loaded!.state.rng)
    const rest: EpochMetrics[] = []
    const restSamples: BatchSample[] = []
    await runTrainingLoop({
      model: loaded!.model,
      optimizer,
      data,
      config: loopConfig(3),
      startEpoch: 2,
      rng,
      augmentRng: new Rng(6),
      shouldStop: () => false,
      onSample: (s) => restSamples.push(s),
      onEpoch: async (report) => {
        rest.push(report.metrics)
      },
    })
    expect(rest.map(figures)).toEqual(straight.metrics.slice(1).map(figures))
    // Every batch sampled: the resumed curve is the uninterrupted one from step 11 on.
    const curve = (s: BatchSample) => [s.epoch, s.batch, s.step, s.loss, s.accuracy]
    expect(straightSamples.map((s) => s.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    expect(restSamples.map(curve)).toEqual(straightSamples.slice(10).map(curve))
    tf.dispose(loaded!.optimizerWeights.map((w) => w.tensor))
    for (const m of [straight.model, loaded!.model]) m.dispose()
    straight.optimizer.dispose()
    optimizer.dispose()
  })

  it('gives each step its scheduled rate and augmentation seed, and stops early on a stalled validation loss', async () => {
    const model = buildModel(TINY_ARCHITECTURE, [12, 12, 1], 10, 5)
    const optimizer = createOptimizer(config)
    const requests: { learningRate: number; augmentSeed: number | null }[] = []
    const inner = singleReplicaStep(
      new TrainingStep(model, optimizer, stepImages(data, 'train'), stepRecipe(loopConfig(1))),
    )
    const reports: EpochReport[] = []
    const run = await train(4, {
      model,
      optimizer,
      config: loopConfig(4, {
        schedule: { kind: 'exponential', factor: 0.5 },
        augmentation: { rotation: 10, zoom: 0, shift: 0, horizontalFlip: false },
        monitor: 'val_loss',
        // Nothing improves by more than 1: only the first epoch counts, the third never starts.
        earlyStopping: { patience: 1, minDelta: 1 },
      }),
      trainStep: (request) => {
        requests.push({ learningRate: request.learningRate, augmentSeed: request.augmentSeed })
        return inner(request)
      },
      onEpoch: async (report) => {
        reports.push(report)
      },
    })
    expect(run.outcome).toBe('completed')
    expect(reports.map((r) => r.metrics.epoch)).toEqual([1, 2])
    expect(reports.map((r) => r.selection.epochsWithoutImprovement)).toEqual([0, 1])
    expect(requests.map((r) => r.learningRate)).toEqual([...Array(10).fill(0.01), ...Array(10).fill(0.005)])
    const seeds = requests.map((r) => r.augmentSeed)
    expect(new Set(seeds).size).toBe(20)
    expect(seeds.every((seed) => typeof seed === 'number')).toBe(true)
    model.dispose()
    optimizer.dispose()
  })

  it('trains nothing more once early stopping has ended a run', async () => {
    const steps: number[] = []
    const run = await train(4, {
      config: loopConfig(4, { earlyStopping: { patience: 2, minDelta: 0 } }),
      startEpoch: 3,
      selection: { bestEpoch: 1, bestValue: 0.9, referenceValue: 0.9, epochsWithoutImprovement: 2 },
      trainStep: async () => {
        steps.push(1)
        return { loss: 0, correct: 0 }
      },
    })
    expect(run.outcome).toBe('completed')
    expect(steps).toEqual([])
    expect(run.metrics).toEqual([])
    run.model.dispose()
    run.optimizer.dispose()
  })

  it('validates a batch-norm network in inference mode on moving statistics that caught up within an epoch', async () => {
    const architecture = architectureSchema.parse({
      convBlocks: [{ filters: 8, kernelSize: 3, batchNorm: true, pooling: 'max' }],
      denseLayers: [{ units: 16, batchNorm: true }],
    })
    const run = await train(1, {
      model: buildModel(architecture, [12, 12, 1], 10, 5),
      config: loopConfig(1, { architecture }),
    })
    // With Keras's momentum of 0.99 the averages are still mostly their start after these 10
    // steps, and this fails.
    expect(run.metrics[0].valAccuracy).toBeGreaterThan(0.95)
    run.model.dispose()
    run.optimizer.dispose()
  })
})
