import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import '@tensorflow/tfjs-backend-cpu'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EpochMetrics } from '@common/contract'
import { architectureSchema } from '@common/schemas'
import { activateBackend } from '../backend'
import { buildModel } from '../model/build-model'
import { loadLatestCheckpoint, saveCheckpoint } from './checkpoint'
import { runTrainingLoop, type LoopOptions, type TrainingData } from './loop'
import { createOptimizer } from './optimizer'
import { splitBatch } from './parallel-step'
import { replicaCount, startReplicaGroup, type ReplicaGroup } from './replicas'
import { Rng } from './rng'
import { TINY_ARCHITECTURE, barData } from './test-data'

const config = { optimizer: 'adam', learningRate: 0.01, momentum: 0.9, seed: 5 } as const
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
): Promise<ReplicaGroup> {
  const groupConfig = { ...config, architecture }
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
  extra: Partial<LoopOptions> & { architecture?: typeof TINY_ARCHITECTURE } = {},
) {
  const architecture = extra.architecture ?? TINY_ARCHITECTURE
  const model = extra.model ?? buildModel(architecture, [12, 12, 1], 10, 5)
  const optimizer = extra.optimizer ?? createOptimizer(config)
  const group: ReplicaGroup | null =
    replicas > 1 ? await startGroup(backend, replicas, model, optimizer, data, architecture) : null
  const metrics: EpochMetrics[] = []
  try {
    const outcome = await runTrainingLoop({
      model,
      optimizer,
      data,
      epochs: 2,
      batchSize: 21,
      rng: new Rng(5),
      shouldStop: () => false,
      onEpoch: async (report) => {
        metrics.push(report.metrics)
      },
      trainStep: group?.step,
      evaluateBatch: group?.evaluate,
      ...extra,
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
      epochs: 2,
      batchSize: 21,
      rng: new Rng(5),
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
      epochs: 2,
      batchSize: 21,
      rng: new Rng(5),
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
