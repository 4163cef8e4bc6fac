import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import '@tensorflow/tfjs-backend-cpu'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EpochMetrics } from '@common/contract'
import { architectureSchema, runConfigSchema, type RunConfigInput } from '@common/schemas'
import { activateBackend } from '../backend'
import { buildModel } from '../model/build-model'
import { loadLatestCheckpoint, saveCheckpoint } from './checkpoint'
import { evaluateSet, runTrainingLoop, stepImages, type LoopOptions, type TrainingData } from './loop'
import { createOptimizer } from './optimizer'
import { splitBatch } from './parallel-step'
import { replicaCount, startReplicaGroup, type ReplicaGroup } from './replicas'
import { Rng } from './rng'
import { evaluateBatch, stepRecipe, type StepRecipe } from './step'
import { TINY_ARCHITECTURE, barData } from './test-data'

const config = runConfigSchema.parse({
  optimizer: 'adam',
  learningRate: 0.01,
  seed: 5,
  batchSize: 21,
  epochs: 2,
})
/** The tests' run configuration with `epochs` epochs. */
const loopConfig = (epochs: number, recipe: RunConfigInput = {}) =>
  runConfigSchema.parse({ ...config, ...recipe, epochs })
const NO_DROPOUT = architectureSchema.parse({
  convBlocks: [{ filters: 4, kernelSize: 3, pooling: 'max' }],
  denseLayers: [{ units: 16, dropout: 0 }],
})
let dir: string

beforeAll(async () => {
  tf.env().set('PROD', true)
  dir = await mkdtemp(join(tmpdir(), 'cnn-replicas-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const figures = (m: EpochMetrics) => [m.epoch, m.trainLoss, m.trainAccuracy, m.valLoss, m.valAccuracy]

/** Starts `replicas` - 1 worker replicas of `model` on `backend`. */
function startGroup(
  backend: 'cpu' | 'wasm',
  replicas: number,
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  data: TrainingData,
  architecture = TINY_ARCHITECTURE,
  recipe: StepRecipe = config,
): Promise<ReplicaGroup> {
  const groupConfig = { ...config, ...stepRecipe(recipe), architecture }
  return startReplicaGroup({
    replicas,
    backend,
    model,
    optimizer,
    config: groupConfig,
    data,
    timeoutMs: 60_000,
  })
}

/** Trains with `replicas` (1: the plain loop); returns the metrics, the model and the group. */
async function train(
  backend: 'cpu' | 'wasm',
  replicas: number,
  data: TrainingData,
  extra: Partial<LoopOptions> & {
    architecture?: typeof TINY_ARCHITECTURE
    epochs?: number
    /** The recipe the replica group's steps apply (the loop's own step reads `config`). */
    recipe?: StepRecipe
  } = {},
) {
  const { architecture = TINY_ARCHITECTURE, recipe = config, ...loopOptions } = extra
  const model = extra.model ?? buildModel(architecture, [12, 12, 1], 10, 5)
  const optimizer = extra.optimizer ?? createOptimizer(config)
  const group: ReplicaGroup | null =
    replicas > 1 ? await startGroup(backend, replicas, model, optimizer, data, architecture, recipe) : null
  const metrics: EpochMetrics[] = []
  try {
    const outcome = await runTrainingLoop({
      model,
      optimizer,
      data,
      config: loopConfig(extra.epochs ?? 2),
      rng: new Rng(5),
      augmentRng: new Rng(6),
      shouldStop: () => false,
      onEpoch: async (report) => {
        metrics.push(report.metrics)
      },
      trainStep: group?.step,
      evaluateBatch: group?.evaluate,
      ...loopOptions,
    })
    return { outcome, metrics, model, optimizer }
  } finally {
    await group?.close()
  }
}

describe('data-parallel replicas', () => {
  it('split a batch into parts that differ by at most one image', () => {
    expect(splitBatch(21, 2)).toEqual([
      { start: 0, count: 11 },
      { start: 11, count: 10 },
    ])
    expect(splitBatch(1, 2).map((p) => p.count)).toEqual([1, 0])
    expect(replicaCount(null, 'wasm', 2)).toBe(2)
    expect(replicaCount(null, 'wasm', 1)).toBe(1)
    expect(replicaCount(null, 'cpu', 2)).toBe(1)
    expect(replicaCount(3, 'tensorflow', 8)).toBe(1)
  })
})

// wasm with 2 replicas is what a run gets by default on two cores; cpu is the reference backend.
describe.each(['cpu', 'wasm'] as const)('data-parallel replicas on %s', (backend) => {
  beforeAll(async () => {
    if (backend === 'wasm') await activateBackend('wasm')
    else await tf.setBackend('cpu')
  })

  it('trains two replicas to the weights one replica reaches on whole odd batches', async () => {
    // 43 images in batches of 21: parts of 11 + 10, then a last batch of 1 (one part empty).
    const data = barData(43, 20)
    const one = await train(backend, 1, data, { architecture: NO_DROPOUT, epochs: 1 })
    const two = await train(backend, 2, data, { architecture: NO_DROPOUT, epochs: 1 })
    const a = one.model.getWeights().map((w) => w.dataSync())
    const b = two.model.getWeights().map((w) => w.dataSync())
    a.forEach((values, i) => {
      values.forEach((v, j) => expect(b[i][j]).toBeCloseTo(v, 4))
    })
    expect(two.metrics[0].trainLoss).toBeCloseTo(one.metrics[0].trainLoss, 5)
    expect(two.metrics[0].trainAccuracy).toBe(one.metrics[0].trainAccuracy)
    // Validation is shared between the replicas too, and adds up to the same figures.
    expect(two.metrics[0].valLoss).toBeCloseTo(one.metrics[0].valLoss, 4)
    expect(two.metrics[0].valAccuracy).toBe(one.metrics[0].valAccuracy)
    expect(two.metrics[0].valPerClass).toEqual(one.metrics[0].valPerClass)
    for (const run of [one, two]) {
      run.model.dispose()
      run.optimizer.dispose()
    }
  })

  it('counts validation per class exactly, the same on one replica as split across two', async () => {
    // A network that answers class 3 for every image: its final layer's kernel zero, its bias
    // favouring 3. Of 23 bar images (label i % 10) there are 3 of classes 0-2 and 2 of the rest.
    const data = barData(40, 23)
    const model = buildModel(NO_DROPOUT, [12, 12, 1], 10, 5)
    const weights = model.getWeights()
    const last = weights.length - 1
    const answers3 = [
      tf.zerosLike(weights[last - 1]),
      tf.tensor1d(Array.from({ length: 10 }, (_, k) => (k === 3 ? 1 : 0))),
    ]
    model.setWeights([...weights.slice(0, last - 1), ...answers3])
    tf.dispose(answers3)
    const optimizer = createOptimizer(config)
    const group = await startGroup(backend, 2, model, optimizer, data, NO_DROPOUT)
    try {
      const images = stepImages(data, 'validation')
      const alone = (start: number, count: number) => evaluateBatch(model, images, start, count)
      // Batches of 7 (parts of 4 and 3) and a last batch of 2; batches of 1 leave a part empty.
      const totals = [3, 3, 3, 2, 2, 2, 2, 2, 2, 2]
      const expected = { correct: totals.map((n, k) => (k === 3 ? n : 0)), total: totals }
      for (const evaluate of [alone, group.evaluate]) {
        for (const size of [7, 1, 23]) {
          const figures = await evaluateSet(evaluate, 23, size, () => false, 10)
          expect(figures?.perClass).toEqual(expected)
          expect(figures?.accuracy).toBeCloseTo(2 / 23, 6)
        }
      }
    } finally {
      await group.close()
      model.dispose()
      optimizer.dispose()
    }
  })

  it('applies clipping, decay, smoothing, augmentation and the schedule once, to the whole batch', async () => {
    // Clipping to a norm the gradients exceed: per-part clipping would give other weights.
    const recipe = loopConfig(1, {
      gradientClipNorm: 0.05,
      weightDecay: 0.05,
      labelSmoothing: 0.1,
      augmentation: { rotation: 15, zoom: 0.1, shift: 0.1, horizontalFlip: true },
      schedule: { kind: 'cosine', finalFactor: 0 },
      warmupEpochs: 0.5,
    })
    const data = barData(43, 20)
    const one = await train(backend, 1, data, { architecture: NO_DROPOUT, config: recipe })
    const two = await train(backend, 2, data, { architecture: NO_DROPOUT, config: recipe, recipe })
    const plain = await train(backend, 1, data, { architecture: NO_DROPOUT, epochs: 1 })
    const a = one.model.getWeights().map((w) => w.dataSync())
    const b = two.model.getWeights().map((w) => w.dataSync())
    a.forEach((values, i) => values.forEach((v, j) => expect(b[i][j]).toBeCloseTo(v, 4)))
    expect(two.metrics[0].trainLoss).toBeCloseTo(one.metrics[0].trainLoss, 5)
    expect(Array.from(plain.model.getWeights()[0].dataSync())).not.toEqual(Array.from(a[0]))
    for (const run of [one, two, plain]) {
      run.model.dispose()
      run.optimizer.dispose()
    }
  })

  it('moves batch norm’s moving statistics by the whole batch’s, as one replica does', async () => {
    const architecture = architectureSchema.parse({
      convBlocks: [{ filters: 4, kernelSize: 3, batchNorm: true, pooling: 'max' }],
      denseLayers: [{ units: 16 }],
    })
    const data = barData(21, 20)
    // One step of 21 images into the first layer: its input does not depend on how the batch is
    // split (a later batch norm's would: each part is normalized by its own statistics).
    const one = await train(backend, 1, data, { architecture, epochs: 1 })
    const two = await train(backend, 2, data, { architecture, epochs: 1 })
    const moving = (model: tfl.LayersModel) =>
      model.layers
        .filter((l) => l.getClassName() === 'BatchNormalization')
        .flatMap((l) => l.nonTrainableWeights.map((w) => Array.from(w.read().dataSync())))
    const [a, b] = [moving(one.model), moving(two.model)]
    expect(a).toHaveLength(2)
    a.forEach((values, i) => values.forEach((v, j) => expect(b[i][j]).toBeCloseTo(v, 5)))
    // They moved from their start (mean 0, variance 1).
    expect(a[0].some((m) => Math.abs(m) > 1e-4)).toBe(true)
    for (const run of [one, two]) {
      run.model.dispose()
      run.optimizer.dispose()
    }
  })

  it('repeats the same curves for the same seed, and resumes from a checkpoint exactly', async () => {
    const data = barData(84, 20)
    const a = await train(backend, 2, data)
    const b = await train(backend, 2, data)
    expect(a.metrics.map(figures)).toEqual(b.metrics.map(figures))
    expect(a.metrics[1].trainLoss).toBeLessThan(a.metrics[0].trainLoss)

    const checkpoints = join(dir, `checkpoints-${backend}`)
    const rng = new Rng(5)
    const model = buildModel(TINY_ARCHITECTURE, [12, 12, 1], 10, 5)
    const firstOptimizer = createOptimizer(config)
    const first = await train(backend, 2, data, {
      model,
      optimizer: firstOptimizer,
      epochs: 1,
      rng,
      onEpoch: async (report) => {
        await saveCheckpoint(checkpoints, model, firstOptimizer, {
          epoch: 1,
          rng: rng.state,
          elapsedMs: report.metrics.elapsedMs,
          optimizer: 'adam',
        })
      },
    })
    const loaded = (await loadLatestCheckpoint(checkpoints))!
    const optimizer = createOptimizer(config)
    await optimizer.setWeights(loaded.optimizerWeights)
    const rest = await train(backend, 2, data, {
      model: loaded.model,
      optimizer,
      startEpoch: 2,
      rng: new Rng(loaded.state.rng),
    })
    expect(rest.metrics.map(figures)).toEqual(a.metrics.slice(1).map(figures))
    tf.dispose(loaded.optimizerWeights.map((w) => w.tensor))
    for (const run of [a, b, first, rest]) {
      run.model.dispose()
      run.optimizer.dispose()
    }
  })

  it('stops at a batch boundary and ends the workers', async () => {
    const data = barData(84, 20)
    const model = buildModel(TINY_ARCHITECTURE, [12, 12, 1], 10, 5)
    const optimizer = createOptimizer(config)
    const group = await startGroup(backend, 2, model, optimizer, data)
    const exited = new Promise((resolve) => group.workers[0].once('exit', resolve))
    let batches = 0
    const outcome = await runTrainingLoop({
      model,
      optimizer,
      data,
      config: loopConfig(2),
      rng: new Rng(5),
      augmentRng: new Rng(6),
      shouldStop: () => batches++ >= 2,
      onEpoch: async () => undefined,
      trainStep: group.step,
    })
    expect(outcome).toBe('stopped')
    await group.close()
    await exited
    model.dispose()
    optimizer.dispose()
  })

  // The message is the worker's exit, not the exchange's timeout (which would take the test's 60 s).
  it('fails the run with a clear message when a worker dies, without waiting for the timeout', async () => {
    const data = barData(84, 20)
    const model = buildModel(TINY_ARCHITECTURE, [12, 12, 1], 10, 5)
    const optimizer = createOptimizer(config)
    const group = await startGroup(backend, 2, model, optimizer, data)
    let steps = 0
    const run = runTrainingLoop({
      model,
      optimizer,
      data,
      config: loopConfig(2),
      rng: new Rng(5),
      augmentRng: new Rng(6),
      shouldStop: () => false,
      onEpoch: async () => undefined,
      trainStep: async (request) => {
        if (++steps === 3) void group.workers[0].terminate()
        return group.step(request)
      },
    })
    await expect(run).rejects.toThrow(/replica 2 of 2 \(a worker thread\) ended unexpectedly/)
    await group.close()
    model.dispose()
    optimizer.dispose()
  })
})
