/**
 * Data-parallel training inside one training process: the main thread is replica 0 and starts
 * replicas-1 worker threads (replica-entry), each with its own wasm instance, so each on its own
 * core. Every step splits the batch across the replicas, which average their gradients through a
 * GradientExchange over shared memory and apply the same update; the weights stay identical, so
 * validation and checkpoints use the main thread's model and optimizer alone. Each replica draws
 * its dropout masks from its own seeds, all drawn from the run's generator on the main thread:
 * the same seed and replica count give the same run.
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { BackendUsed } from '@common/contract'
import { replicaCount } from '@common/limits'
import type { BackendPreference, RunConfig } from '@common/schemas'
import {
  ExchangeAbortedError,
  GradientExchange,
  createExchangeBuffer,
} from '../backend/data-parallel/gradient-exchange'
import { stepImages, type TrainingData, type TrainStep } from './loop'
import { ReplicaStepper, exchangeSizes, splitBatch } from './parallel-step'
import type { MainToReplica, ReplicaToMain, ReplicaWorkerData, TensorData } from './replica-protocol'
import type { ImageSet } from './batches'
import {
  TrainingStep,
  addEvaluations,
  drawSeeds,
  emptyEvaluation,
  evaluateBatch,
  stepRecipe,
  type EvaluateBatch,
  type EvaluationStats,
  type StepInput,
  type StepRecipe,
} from './step'

/** Replicas a run uses (shared with the new-run form's memory estimate). */
export { replicaCount }

/** What a replica group reads of a run's configuration. */
export type ReplicaConfig = Pick<
  RunConfig,
  'architecture' | 'optimizer' | 'learningRate' | 'momentum' | 'seed'
> &
  StepRecipe

export interface ReplicaGroupOptions {
  replicas: number
  /** The backend every worker activates (the one the main thread runs). */
  backend: BackendPreference
  model: tfl.LayersModel
  optimizer: tf.Optimizer
  config: ReplicaConfig
  data: TrainingData
  /** How long a replica waits for the others in one step (default 120 s). */
  timeoutMs?: number
}

/** How long the worker replicas may take to start (tsx and wasm load in each, on a busy machine). */
const START_TIMEOUT_MS = 120_000

export interface ReplicaGroup {
  replicas: number
  /** The loop's step: splits the batch, trains every replica, returns the batch's loss and hits. */
  step: TrainStep
  /** Validation of a batch of validation images, split across the replicas like a step. */
  evaluate: EvaluateBatch
  /** Ends the workers; the main thread's model and optimizer stay the caller's. */
  close(): Promise<void>
  /** The worker threads (replicas 1..), for tests. */
  workers: readonly Worker[]
}

/** Starts the worker replicas from the current weights and optimizer state of `model` and `optimizer`. */
export async function startReplicaGroup(options: ReplicaGroupOptions): Promise<ReplicaGroup> {
  const { replicas, model, optimizer, data } = options
  const timeoutMs = options.timeoutMs ?? 120_000
  const shape = { replicas, sizes: exchangeSizes(model) }
  const buffer = createExchangeBuffer(shape)
  const exchange = new GradientExchange(buffer, 0, shape, timeoutMs)
  const recipe = stepRecipe(options.config)
  const trainingStep = new TrainingStep(model, optimizer, stepImages(data, 'train'), recipe)
  const stepper = new ReplicaStepper(trainingStep, exchange, replicas)
  const dropouts = trainingStep.dropoutLayers
  const base: Omit<ReplicaWorkerData, 'replica'> = {
    replicas,
    backend: options.backend,
    buffer,
    shape,
    timeoutMs,
    architecture: options.config.architecture,
    optimizer: options.config,
    recipe,
    seed: options.config.seed,
    rows: data.rows,
    cols: data.cols,
    channels: data.channels,
    numClasses: data.numClasses,
    train: sharedSet(data.train),
    validation: sharedSet(data.validation),
    weights: await Promise.all(model.getWeights().map((w, i) => tensorData(String(i), w))),
    optimizerWeights: await optimizerState(optimizer),
  }

  let closing = false
  let failure: string | null = null
  let reportFailure: (reason: string) => void = () => undefined
  const failed = new Promise<string>((resolve) => (reportFailure = resolve))
  const fail = (reason: string) => {
    if (closing || failure !== null) return
    failure = reason
    exchange.abort()
    reportFailure(reason)
  }
  const entry = resolveReplicaEntry()
  // Each worker's answer to the validation part it was last sent.
  const evaluations: (((stats: EvaluationStats) => void) | null)[] = Array(replicas - 1).fill(null)
  const workers = Array.from({ length: replicas - 1 }, (_, i) => {
    const replica = i + 1
    const worker = entry.start({ ...base, replica })
    worker.on('message', (m: ReplicaToMain) => {
      if (m.type === 'failed') fail(`replica ${replica + 1} of ${replicas} failed: ${m.error}`)
      if (m.type === 'evaluated') {
        const { lossSum, correct, classCorrect, classTotal } = m
        evaluations[i]?.({ lossSum, correct, classCorrect, classTotal })
      }
    })
    worker.on('error', (e) => fail(`replica ${replica + 1} of ${replicas} failed: ${e.message}`))
    worker.on('exit', (code) =>
      fail(`replica ${replica + 1} of ${replicas} (a worker thread) ended unexpectedly with code ${code}`),
    )
    return worker
  })
  const close = async () => {
    closing = true
    exchange.abort()
    await Promise.all(workers.map((w) => w.terminate()))
  }

  try {
    await Promise.race([
      Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve)))),
      failed.then((reason) => Promise.reject(new Error(reason))),
      delay(START_TIMEOUT_MS).then(() =>
        Promise.reject(new Error(`replica workers did not start within ${START_TIMEOUT_MS} ms`)),
      ),
    ])
    if (failure !== null) throw new Error(failure)
  } catch (error) {
    await close()
    throw new Error(`Starting ${replicas} training replicas failed: ${(error as Error).message}`, {
      cause: error,
    })
  }

  const step: TrainStep = async ({ indices, rng, augmentSeed, learningRate }) => {
    if (failure !== null) throw new Error(`Training replica failed: ${failure}`)
    const seeds = drawSeeds(rng, replicas * dropouts)
    const inputs = splitBatch(indices.length, replicas).map(({ start, count }, r): StepInput => ({
      indices: indices.slice(start, start + count),
      dropoutSeeds: seeds.slice(r * dropouts, (r + 1) * dropouts),
      // Each image's transform follows from its place in the whole batch, as on one replica.
      augment: augmentSeed === null ? null : { seed: augmentSeed, offset: start },
      learningRate,
    }))
    workers.forEach((worker, i) => {
      const message: MainToReplica = { type: 'step', input: inputs[i + 1], batchSize: indices.length }
      worker.postMessage(message)
    })
    try {
      return await stepper.run(inputs[0], indices.length)
    } catch (error) {
      exchange.abort()
      if (!(error instanceof ExchangeAbortedError)) throw error
      // The worker's own report says why; it may arrive just after the abort flag.
      const reason = await Promise.race([failed, delay(2000).then(() => error.message)])
      throw new Error(`Training replica failed: ${reason}`, { cause: error })
    }
  }

  const validationImages = stepImages(data, 'validation')
  const evaluate: EvaluateBatch = async (start, count) => {
    if (failure !== null) throw new Error(`Training replica failed: ${failure}`)
    const parts = splitBatch(count, replicas)
    const answers = workers.map((worker, i) => {
      const { start: offset, count: partCount } = parts[i + 1]
      if (partCount === 0) return Promise.resolve(null)
      const answer = new Promise<EvaluationStats>((resolve) => (evaluations[i] = resolve))
      const message: MainToReplica = { type: 'evaluate', start: start + offset, count: partCount }
      worker.postMessage(message)
      return answer
    })
    const own =
      parts[0].count > 0 ? await evaluateBatch(model, validationImages, start, parts[0].count) : null
    const others = await Promise.race([
      Promise.all(answers),
      failed.then((reason) => Promise.reject(new Error(`Training replica failed: ${reason}`))),
    ])
    // Counts, per class too, so the parts add up to exactly what one replica finds.
    return [own, ...others].reduce<EvaluationStats>(
      (sum, part) => (part ? addEvaluations(sum, part) : sum),
      emptyEvaluation(data.numClasses),
    )
  }
  return { replicas, step, evaluate, close, workers }
}

/** Where the worker entry is: replica-entry.ts through tsx from source, else replica.js beside the bundle. */
function resolveReplicaEntry(moduleUrl = import.meta.url): { start(data: ReplicaWorkerData): Worker } {
  const here = fileURLToPath(moduleUrl)
  if (here.endsWith('.ts')) {
    // Node 20 does not apply `--import tsx` to worker threads; tsx's require hook does.
    const tsx = createRequire(moduleUrl).resolve('tsx/cjs')
    const file = join(dirname(here), 'replica-entry.ts')
    const bootstrap = `require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)})`
    return { start: (workerData) => new Worker(bootstrap, { eval: true, workerData }) }
  }
  const moduleDir = dirname(here)
  const bundleDir = basename(moduleDir) === 'chunks' ? dirname(moduleDir) : moduleDir
  const file = join(bundleDir, 'replica.js')
  return {
    start: (workerData) => {
      if (!existsSync(file)) throw new Error(`The replica entry ${file} is missing.`)
      return new Worker(file, { workerData })
    },
  }
}

/** A copy of `bytes` in shared memory, so every worker reads the same images without copies. */
function shared(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.byteLength))
  copy.set(bytes)
  return copy
}

function sharedSet(set: ImageSet): ImageSet {
  return { images: shared(set.images), labels: shared(set.labels), count: set.count }
}

async function tensorData(name: string, t: tf.Tensor): Promise<TensorData> {
  const dtype = t.dtype === 'int32' ? 'int32' : 'float32'
  const values = (await t.data()) as Float32Array | Int32Array
  return { name, shape: t.shape.slice(), dtype, values: values.slice() }
}

async function optimizerState(optimizer: tf.Optimizer): Promise<TensorData[]> {
  const weights = await optimizer.getWeights()
  try {
    return await Promise.all(weights.map((w) => tensorData(w.name, w.tensor)))
  } finally {
    // getWeights makes a fresh tensor for the step counter; the rest are the optimizer's own.
    for (const w of weights) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose()
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

/**
 * The run's replicas beyond the main thread, started from the current model and optimizer, or
 * null when the run trains on one (its setting, its backend, or a single core).
 */
export async function startTrainingReplicas(
  config: RunConfig,
  backend: BackendUsed,
  data: TrainingData,
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  timing: Pick<ReplicaGroupOptions, 'timeoutMs'> = {},
): Promise<ReplicaGroup | null> {
  const replicas = replicaCount(config.replicas, backend.name, availableParallelism())
  if (replicas === 1) return null
  const preference = backend.name === 'wasm' ? 'wasm' : 'cpu'
  return startReplicaGroup({ replicas, backend: preference, model, optimizer, config, data, ...timing })
}
