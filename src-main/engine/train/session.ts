/**
 * One run's training, as the training process performs it: read the run's configuration, load
 * the data, pick the backend, build or restore the model, train, append throttled batch samples
 * to metrics.jsonl as they come, and after every epoch append its line and then save the
 * checkpoint (in that order: a crash between the two leaves lines past the checkpoint, which a
 * resume drops, never a missing one).
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { RunConfig } from '@common/schemas'
import { activateBackend } from '../backend'
import { loadDataset, type Dataset } from '../data'
import { UserError } from '../errors'
import { buildModel } from '../model/build-model'
import { MetricsAppender, trimMetrics } from '../run-files/metrics'
import { runPaths } from '../run-files/paths'
import { readRecord } from '../run-files/record'
import { limitSet } from './batches'
import { loadLatestCheckpoint, saveCheckpoint } from './checkpoint'
import { runTrainingLoop, type LoopOutcome, type TrainingData } from './loop'
import { createOptimizer } from './optimizer'
import { startTrainingReplicas, type ReplicaGroup } from './replicas'
import type { TrainerToMain } from './protocol'
import { Rng } from './rng'

export interface TrainerSessionOptions {
  runId: string
  home: string
  /** Continue from the last checkpoint instead of starting over. */
  resume: boolean
  send: (message: TrainerToMain) => void
  shouldStop: () => boolean
  /** Defaults to the data helper's loader. */
  loadData?: (config: RunConfig, home: string) => Promise<Dataset>
  /** Defaults to the backend helper's selection (wasm gets its training kernels there). */
  activateBackend?: typeof activateBackend
  progressIntervalMs?: number
  /** How often a batch sample goes into metrics.jsonl; the loop's default (500 ms) when absent. */
  sampleIntervalMs?: number
  /** How long a replica waits for the others in one step; the replica group's default when absent. */
  replicaStepTimeoutMs?: number
}

/** Trains the run to its last epoch or until stopped; throws on failure (UserError for bad data). */
export async function runTrainerSession(options: TrainerSessionOptions): Promise<LoopOutcome> {
  const { runId, home, send, shouldStop } = options
  const paths = runPaths(home, runId)
  const read = await readRecord(paths.record, runId)
  if (!read.ok) throw new Error(`Run ${runId} cannot be trained: ${read.reason}`)
  const config = read.record.config
  const loadData = options.loadData ?? ((c: RunConfig, h: string) => loadDataset(c.dataset, { home: h }))
  const dataset = await loadData(config, home)
  if (shouldStop()) return 'stopped'
  const backend = await (options.activateBackend ?? activateBackend)(config.backend)
  const data: TrainingData = {
    rows: dataset.rows,
    cols: dataset.cols,
    numClasses: dataset.classNames.length,
    train: limitSet(dataset.train, config.trainLimit, dataset.rows, dataset.cols),
    test: dataset.test,
  }

  const restored = options.resume ? await restore(paths.checkpoints, config, data) : null
  const model =
    restored?.model ??
    buildModel(config.architecture, [data.rows, data.cols, 1], data.numClasses, config.seed)
  const optimizer = restored?.optimizer ?? createOptimizer(config)
  const rng = restored?.rng ?? new Rng(config.seed)
  const doneEpochs = restored?.epoch ?? 0
  let replicas: ReplicaGroup | null = null
  const appender = new MetricsAppender(paths.metrics)
  try {
    replicas = await startTrainingReplicas(config, backend.used, data, model, optimizer, {
      timeoutMs: options.replicaStepTimeoutMs,
    })
    const history = await trimMetrics(paths.metrics, doneEpochs)
    send({
      type: 'started',
      pid: process.pid,
      backend: replicas ? { ...backend.used, threads: replicas.replicas } : backend.used,
      backendReport: backend.report,
      dataset: {
        ref: config.dataset,
        title: dataset.title,
        trainCount: data.train.count,
        testCount: data.test.count,
      },
      startEpoch: doneEpochs + 1,
      history,
    })
    return await runTrainingLoop({
      model,
      optimizer,
      data,
      epochs: config.epochs,
      batchSize: config.batchSize,
      startEpoch: doneEpochs + 1,
      rng,
      elapsedBeforeMs: restored?.elapsedMs ?? 0,
      shouldStop,
      trainStep: replicas?.step,
      evaluateBatch: replicas?.evaluate,
      progressIntervalMs: options.progressIntervalMs,
      onProgress: (progress) => send({ type: 'progress', progress: { runId, ...progress } }),
      sampleIntervalMs: options.sampleIntervalMs,
      onSample: (sample) => appender.appendBatch(sample),
      onEpoch: async ({ metrics, epochs, etaMs }) => {
        await appender.appendEpoch(metrics)
        await saveCheckpoint(paths.checkpoints, model, optimizer, {
          epoch: metrics.epoch,
          rng: rng.state,
          elapsedMs: metrics.elapsedMs,
          optimizer: config.optimizer,
        })
        send({ type: 'epoch', metrics, epochs, etaMs, checkpointEpoch: metrics.epoch })
      },
    })
  } finally {
    await replicas?.close()
    // The samples of an unfinished epoch: written whole, so no line is cut by the exit.
    await appender.settled()
    model.dispose()
    optimizer.dispose()
  }
}

interface Restored {
  model: tfl.LayersModel
  optimizer: tf.Optimizer
  rng: Rng
  epoch: number
  elapsedMs: number
}

async function restore(
  checkpointsDir: string,
  config: RunConfig,
  data: TrainingData,
): Promise<Restored | null> {
  const checkpoint = await loadLatestCheckpoint(checkpointsDir)
  if (!checkpoint) return null
  const { model, optimizerWeights, state } = checkpoint
  const [, rows, cols] = model.inputs[0].shape
  if (rows !== data.rows || cols !== data.cols) {
    model.dispose()
    tf.dispose(optimizerWeights.map((w) => w.tensor))
    throw new UserError(
      `The data set now has ${data.rows}x${data.cols} images, but the run was trained on ${rows}x${cols}; it cannot be resumed.`,
      'conflict',
      'dataset',
    )
  }
  const optimizer = createOptimizer(config)
  try {
    // The optimizer takes the tensors over (it makes variables of them); the originals go.
    await optimizer.setWeights(optimizerWeights)
  } finally {
    tf.dispose(optimizerWeights.map((w) => w.tensor))
  }
  return { model, optimizer, rng: new Rng(state.rng), epoch: state.epoch, elapsedMs: state.elapsedMs }
}
