/**
 * One run's training, as the training process performs it: read the run's configuration, load
 * the data and hold out its validation split, pick the backend, build or restore the model,
 * train, append throttled batch samples to metrics.jsonl as they come, and after every epoch
 * append its line, then save the best checkpoint when the epoch is the best so far, then the
 * latest (in that order: a crash between them leaves lines past the checkpoint, which a resume
 * drops and trains again identically, never a missing one). When the run ends (its last epoch,
 * or early stopping), the test set is evaluated once, on the checkpoint the run keeps.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { RunRecord, TestResult } from '@common/run-record'
import type { RunConfig } from '@common/schemas'
import { keepsBest, selectEpochs, type SelectionState } from '@common/selection'
import { activateBackend } from '../backend'
import { loadDataset, type Dataset } from '../data'
import { UserError, errorMessage } from '../errors'
import { buildModel } from '../model/build-model'
import { MetricsAppender, trimMetrics } from '../run-files/metrics'
import { runPaths } from '../run-files/paths'
import { readRecord } from '../run-files/record'
import { checkpointFolder } from '../run-files/checkpoint-paths'
import { imageBytes, limitSet } from './batches'
import {
  latestCheckpointEpoch,
  loadCheckpoint,
  removeLeftoverCheckpoints,
  saveCheckpoint,
  type LoadedCheckpoint,
} from './checkpoint'
import { damagedCheckpoint, resumableCheckpointEpoch } from '../run-files/checkpoint-check'
import { evaluateBatch } from './step'
import { evaluateSet, runTrainingLoop, stepImages, type LoopOutcome, type TrainingData } from './loop'
import { createOptimizer } from './optimizer'
import { outOfMemoryError } from './out-of-memory'
import { startTrainingReplicas, type ReplicaGroup } from './replicas'
import type { TrainerToMain } from './protocol'
import { Rng, mixSeed } from './rng'
import { splitValidation } from './split'

/** The stream of the run's seed that draws augmentation seeds (apart from shuffles and dropout). */
const AUGMENT_STREAM = 0xa06e47

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
  /** How long a replica waits for the others in one step; the replica group's default when absent. */
  replicaStepTimeoutMs?: number
}

/**
 * Trains the run to its last epoch or until stopped; throws on failure (a UserError for bad data,
 * a diverged loss, memory that ran out).
 */
export async function runTrainerSession(options: TrainerSessionOptions): Promise<LoopOutcome> {
  try {
    return await trainRun(options)
  } catch (error) {
    // Out of memory, the heap is in pieces: even releasing the model may fail the same way.
    throw outOfMemoryError(error) ?? error
  }
}

async function trainRun(options: TrainerSessionOptions): Promise<LoopOutcome> {
  const { runId, home, send, shouldStop } = options
  const paths = runPaths(home, runId)
  const read = await readRecord(paths.record, runId)
  if (!read.ok) throw new Error(`Run ${runId} cannot be trained: ${read.reason}`)
  const config = read.record.config
  const loadData = options.loadData ?? ((c: RunConfig, h: string) => loadDataset(c.dataset, { home: h }))
  const dataset = await loadData(config, home)
  if (shouldStop()) return 'stopped'
  const backend = await (options.activateBackend ?? activateBackend)(config.backend)
  const { rows, cols, channels } = dataset
  const limited = limitSet(dataset.train, config.trainLimit, dataset)
  const split = splitValidation(limited, config.validationSplit, config.seed, imageBytes(dataset))
  const data: TrainingData = {
    rows,
    cols,
    channels,
    numClasses: dataset.classNames.length,
    train: split.train,
    // Without a split, the notebook's habit: validate on the test set (and the run says so).
    validation: config.validationSplit > 0 ? split.validation : dataset.test,
    test: dataset.test,
  }

  const restored = options.resume ? await restore(paths.checkpoints, read.record, data) : null
  const model =
    restored?.model ??
    buildModel(config.architecture, [data.rows, data.cols, data.channels], data.numClasses, config.seed)
  const optimizer = restored?.optimizer ?? createOptimizer(config)
  const rng = restored?.rng ?? new Rng(config.seed)
  const augmentRng = restored?.augmentRng ?? new Rng(mixSeed(config.seed, AUGMENT_STREAM))
  const doneEpochs = restored?.epoch ?? 0
  let replicas: ReplicaGroup | null = null
  let outcome: LoopOutcome
  const appender = new MetricsAppender(paths.metrics)
  try {
    replicas = await startTrainingReplicas(config, backend.used, data, model, optimizer, {
      timeoutMs: options.replicaStepTimeoutMs,
    })
    const history = await trimMetrics(paths.metrics, doneEpochs)
    // Checkpoints of earlier versions carry no selection: their epochs' lines give it.
    let selection: SelectionState = restored?.selection ?? selectEpochs(config, history)
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
        classNames: dataset.classNames,
        inputShape: [rows, cols, channels],
        report: dataset.report,
      },
      startEpoch: doneEpochs + 1,
      history,
    })
    outcome = await runTrainingLoop({
      model,
      optimizer,
      data,
      config,
      startEpoch: doneEpochs + 1,
      rng,
      augmentRng,
      selection,
      elapsedBeforeMs: restored?.elapsedMs ?? 0,
      shouldStop,
      trainStep: replicas?.step,
      evaluateBatch: replicas?.evaluate,
      progressIntervalMs: options.progressIntervalMs,
      onProgress: (progress) => send({ type: 'progress', progress: { runId, ...progress } }),
      onSample: (sample) => appender.appendBatch(sample),
      onEpoch: async (report) => {
        const { metrics, epochs, etaMs } = report
        selection = report.selection
        await appender.appendEpoch(metrics)
        const state = {
          epoch: metrics.epoch,
          rng: rng.state,
          augmentRng: augmentRng.state,
          selection,
          elapsedMs: metrics.elapsedMs,
          optimizer: config.optimizer,
        }
        if (keepsBest(config) && selection.bestEpoch === metrics.epoch)
          await saveCheckpoint(paths.checkpoints, model, optimizer, state, 'best')
        await saveCheckpoint(paths.checkpoints, model, optimizer, state)
        send({ type: 'epoch', metrics, epochs, etaMs, checkpointEpoch: metrics.epoch })
      },
    })
    if (outcome === 'completed') {
      // The replicas' cores are not needed for the test set, which runs on this thread alone.
      await replicas?.close()
      replicas = null
      const best = keepsBest(config) && selection.bestEpoch > 0
      const epoch = best ? selection.bestEpoch : await latestCheckpointEpoch(paths.checkpoints)
      const test = await evaluateTest(paths.checkpoints, epoch, best, data, shouldStop)
      if (test === null) return 'stopped'
      send({ type: 'test', result: test })
    }
  } finally {
    await replicas?.close()
    // The samples of an unfinished epoch: written whole, so no line is cut by the exit.
    await appender.settled()
    model.dispose()
    optimizer.dispose()
  }
  return outcome
}

/**
 * The test set's loss and accuracy on the checkpoint of `epoch` (the best one, or the latest),
 * loaded from disk: what the run keeps, never the weights of an epoch cut short. Null when stopped.
 */
async function evaluateTest(
  checkpointsDir: string,
  epoch: number,
  best: boolean,
  data: TrainingData,
  shouldStop: () => boolean,
): Promise<TestResult | null> {
  const { model, optimizerWeights } = await loadCheckpoint(
    checkpointFolder(checkpointsDir, epoch, best ? 'best' : 'latest'),
  )
  tf.dispose(optimizerWeights.map((w) => w.tensor))
  try {
    const images = stepImages(data, 'test')
    const evaluate = (start: number, count: number) => evaluateBatch(model, images, start, count)
    const figures = await evaluateSet(evaluate, data.test.count, 500, shouldStop, data.numClasses)
    return figures && { epoch, loss: figures.loss, accuracy: figures.accuracy }
  } finally {
    model.dispose()
  }
}

interface Restored {
  model: tfl.LayersModel
  optimizer: tf.Optimizer
  rng: Rng
  augmentRng: Rng | null
  selection: SelectionState | null
  epoch: number
  elapsedMs: number
}

async function restore(
  checkpointsDir: string,
  record: RunRecord,
  data: TrainingData,
): Promise<Restored | null> {
  const { config, id } = record
  const epoch = await resumableCheckpointEpoch(checkpointsDir, record.checkpointEpoch, id)
  if (epoch === 0) return null
  let checkpoint: LoadedCheckpoint
  try {
    checkpoint = await loadCheckpoint(checkpointFolder(checkpointsDir, epoch))
  } catch (error) {
    // The files have the sizes their manifests list, yet tfjs refused them.
    throw damagedCheckpoint(id, epoch, `its tensors cannot be loaded (${errorMessage(error)}).`)
  }
  const { model, optimizerWeights, state } = checkpoint
  const [, rows, cols, channels] = model.inputs[0].shape
  if (rows !== data.rows || cols !== data.cols || channels !== data.channels) {
    model.dispose()
    tf.dispose(optimizerWeights.map((w) => w.tensor))
    throw new UserError(
      `The data set now has ${data.rows}x${data.cols}x${data.channels} images, but the run was trained on ${rows}x${cols}x${channels}; it cannot be resumed.`,
      'conflict',
      'dataset',
    )
  }
  await removeLeftoverCheckpoints(checkpointsDir, epoch)
  const optimizer = createOptimizer(config)
  try {
    // The optimizer takes the tensors over (it makes variables of them); the originals go.
    await optimizer.setWeights(optimizerWeights)
  } finally {
    tf.dispose(optimizerWeights.map((w) => w.tensor))
  }
  return {
    model,
    optimizer,
    rng: new Rng(state.rng),
    augmentRng: state.augmentRng ? new Rng(state.augmentRng) : null,
    selection: state.selection ?? null,
    epoch: state.epoch,
    elapsedMs: state.elapsedMs,
  }
}
