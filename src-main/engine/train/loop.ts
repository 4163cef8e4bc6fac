/**
 * The training loop: seeded shuffling per epoch, each step's learning rate from the schedule and
 * its augmentation seed from a generator of its own, validation on the validation set after each
 * epoch (the test set when the run has no split), the choice of the best epoch and early
 * stopping, a yield to the event loop between batches (so a stop message gets through),
 * throttled progress for the live view and sparser samples to keep in metrics.jsonl. Stop ends
 * it at the next batch boundary; the unfinished epoch is dropped. A loss that is not a finite
 * number ends it with a UserError, before that batch or epoch is reported.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { BatchProgress, EpochMetrics } from '@common/contract'
import { validationBatchSize } from '@common/memory'
import { UserError } from '../errors'
import type { BatchSample, ClassCounts } from '@common/run-record'
import { augments } from '@common/recipe'
import { learningRateAt, type ScheduleConfig } from '@common/schedule'
import {
  INITIAL_SELECTION,
  selectEpoch,
  stopsEarly,
  type SelectionConfig,
  type SelectionState,
} from '@common/selection'
import type { RunConfig } from '@common/schemas'
import type { ImageSet } from './batches'
import type { Rng } from './rng'
import {
  TrainingStep,
  addEvaluations,
  drawSeeds,
  emptyEvaluation,
  evaluateBatch,
  stepRecipe,
  type EvaluateBatch,
  type StepImages,
  type StepRecipe,
  type StepStats,
} from './step'

export interface TrainingData {
  rows: number
  cols: number
  /** 1 (grey) or 3 (RGB). */
  channels: number
  numClasses: number
  train: ImageSet
  /** Held out of the training images; the test set itself when the run has no validation split. */
  validation: ImageSet
  test: ImageSet
}

export interface EpochReport {
  metrics: EpochMetrics
  epochs: number
  /** Time still needed for the remaining epochs, from this session's pace; 0 after the last. */
  etaMs: number | null
  /** The best epoch and early stopping's count, this epoch included. */
  selection: SelectionState
}

/** What the loop (and its default step) reads of a run's configuration. */
export type LoopConfig = Pick<RunConfig, 'batchSize'> & ScheduleConfig & SelectionConfig & StepRecipe

export interface LoopOptions {
  model: tfl.LayersModel
  optimizer: tf.Optimizer
  data: TrainingData
  config: LoopConfig
  /** The first epoch to train, 1-based; the ones before it are done (a resumed run). */
  startEpoch?: number
  /** Draws every shuffle and dropout mask; its state after an epoch goes into the checkpoint. */
  rng: Rng
  /** Draws each step's augmentation seed when the run augments; its state goes into the checkpoint too. */
  augmentRng: Rng
  /** Selection after the epochs before `startEpoch` (a resumed run). */
  selection?: SelectionState
  /** Training time spent before this session (a resumed run), counted in `elapsedMs`. */
  elapsedBeforeMs?: number
  /** Checked at every batch boundary. */
  shouldStop: () => boolean
  /** Per-batch figures, at most one per `progressIntervalMs`. */
  onProgress?: (progress: Omit<BatchProgress, 'runId'>) => void
  /** After each finished epoch; awaited before the next one starts (checkpointing). */
  onEpoch: (report: EpochReport) => Promise<void>
  progressIntervalMs?: number
  /** Per-batch samples to keep: the batches `isSampledBatch` picks, whatever the machine's speed. */
  onSample?: (sample: BatchSample) => void
  /** Images per validation step. */
  evalBatchSize?: number
  /** Replaces the single-replica step (data-parallel replicas); it must update `model` itself. */
  trainStep?: TrainStep
  /** Replaces validation on `model` alone (data-parallel replicas share each batch). */
  evaluateBatch?: EvaluateBatch
  now?: () => number
}

export type LoopOutcome = 'completed' | 'stopped'

/**
 * The most batch samples kept for one epoch, so a long run keeps a bounded metrics.jsonl. As many
 * as the live chart gets (one point per progress event, at most 10 a second; at most 3,000 in
 * all, `MAX_BATCH_POINTS` of the renderer's run-series.ts): every batch of a notebook epoch
 * (600 at batch 100), so the curve after a reload is as dense as it was live. At 200, a reload
 * showed a third of the points the live chart had drawn.
 */
export const MAX_SAMPLES_PER_EPOCH = 1000

/**
 * Whether batch `batch` (0-based) of an epoch of `batches` is kept in metrics.jsonl: evenly spaced
 * by count, never by time, so a run's curve has the same points on a fast machine as on a slow one
 * (a time throttle left a quick run on a fast machine with one point), and its epoch's last batch.
 */
export function isSampledBatch(batch: number, batches: number): boolean {
  const every = Math.ceil(batches / MAX_SAMPLES_PER_EPOCH)
  return (batch + 1) % every === 0 || batch === batches - 1
}

/** What the loop hands a step; the step passes it on to each replica's `StepInput`. */
export interface StepRequest {
  /** The training images of the whole batch. */
  indices: Int32Array
  /** The run's generator: the step draws its dropout seeds from it. */
  rng: Rng
  /** The seed of the batch's augmentation, or null when the run does not augment. */
  augmentSeed: number | null
  /** The scheduled rate of this step's update. */
  learningRate: number
}

/** One optimizer step on a batch; resolves to the batch's mean loss and how many it classified right. */
export type TrainStep = (request: StepRequest) => Promise<StepStats>

/** Trains epochs `startEpoch..epochs`; resolves 'stopped' when `shouldStop` cut it short. */
export async function runTrainingLoop(options: LoopOptions): Promise<LoopOutcome> {
  const { model, optimizer, data, config, rng, augmentRng, shouldStop } = options
  const step: TrainStep =
    options.trainStep ??
    singleReplicaStep(new TrainingStep(model, optimizer, stepImages(data, 'train'), stepRecipe(config)))
  const { epochs, batchSize } = config
  const augment = augments(config.augmentation)
  const now = options.now ?? (() => performance.now())
  const interval = options.progressIntervalMs ?? 100
  const evalBatchSize = options.evalBatchSize ?? validationBatchSize(batchSize)
  const validationImages = stepImages(data, 'validation')
  const evaluate: EvaluateBatch =
    options.evaluateBatch ?? ((start, count) => evaluateBatch(model, validationImages, start, count))
  let selection = options.selection ?? INITIAL_SELECTION
  // A run that stopped early before its last session ended (the test set still to evaluate).
  if (stopsEarly(config, selection)) return 'completed'
  const sessionStart = now()
  const elapsedBefore = options.elapsedBeforeMs ?? 0
  const count = data.train.count
  const batches = Math.ceil(count / batchSize)
  const epochDurations: number[] = []
  let lastValidationMs = 0
  let lastProgressAt = -Infinity

  for (let epoch = options.startEpoch ?? 1; epoch <= epochs; epoch++) {
    const epochStart = now()
    const order = rng.shuffle(Int32Array.from({ length: count }, (_, i) => i))
    let lossSum = 0
    let correct = 0
    let seen = 0
    for (let b = 0; b < batches; b++) {
      if (shouldStop()) return 'stopped'
      const indices = order.subarray(b * batchSize, Math.min(count, (b + 1) * batchSize))
      const { loss, correct: hits } = await step({
        indices,
        rng,
        augmentSeed: augment ? augmentRng.nextUint32() : null,
        learningRate: learningRateAt(config, epoch, b, batches),
      })
      // Past a non-finite loss the weights are garbage: stop before anything of it is recorded.
      if (!Number.isFinite(loss)) throw diverged(`loss became ${loss} at epoch ${epoch}, batch ${b + 1}`)
      lossSum += loss * indices.length
      correct += hits
      seen += indices.length
      const t = now()
      const globalStep = (epoch - 1) * batches + b + 1
      if (options.onSample && isSampledBatch(b, batches)) {
        options.onSample({
          type: 'batch',
          epoch,
          batch: b + 1,
          step: globalStep,
          loss,
          accuracy: hits / indices.length,
          elapsedMs: elapsedBefore + (t - sessionStart),
        })
      }
      if (options.onProgress && t - lastProgressAt >= interval) {
        lastProgressAt = t
        const trainMs = t - epochStart
        const msPerBatch = trainMs / (b + 1)
        const epochMs = epochDurations.at(-1) ?? msPerBatch * batches + lastValidationMs
        options.onProgress({
          epoch,
          epochs,
          batch: b + 1,
          batches,
          loss,
          accuracy: hits / indices.length,
          samplesPerSec: seen / (trainMs / 1000),
          elapsedMs: elapsedBefore + (t - sessionStart),
          etaMs: (batches - b - 1) * msPerBatch + lastValidationMs + (epochs - epoch) * epochMs,
        })
      }
      await yieldToEventLoop()
    }
    const trainEnd = now()
    const validation = await evaluateSet(
      evaluate,
      data.validation.count,
      evalBatchSize,
      shouldStop,
      data.numClasses,
    )
    if (validation === null) return 'stopped'
    if (!Number.isFinite(validation.loss))
      throw diverged(`validation loss became ${validation.loss} after epoch ${epoch}`)
    const epochEnd = now()
    lastValidationMs = epochEnd - trainEnd
    epochDurations.push(epochEnd - epochStart)
    const meanEpochMs = epochDurations.reduce((a, b) => a + b, 0) / epochDurations.length
    selection = selectEpoch(config, selection, {
      epoch,
      valLoss: validation.loss,
      valAccuracy: validation.accuracy,
    })
    const metrics: EpochMetrics = {
      type: 'epoch',
      epoch,
      trainLoss: lossSum / seen,
      trainAccuracy: correct / seen,
      valLoss: validation.loss,
      valAccuracy: validation.accuracy,
      samplesPerSec: seen / ((trainEnd - epochStart) / 1000),
      elapsedMs: elapsedBefore + (epochEnd - sessionStart),
      time: new Date().toISOString(),
      valPerClass: validation.perClass,
    }
    await options.onEpoch({ metrics, epochs, etaMs: (epochs - epoch) * meanEpochMs, selection })
    if (stopsEarly(config, selection)) return 'completed'
  }
  return 'completed'
}

/** The failure of a run whose loss is no longer a finite number (too large a learning rate, mostly). */
function diverged(what: string): UserError {
  return new UserError(`The ${what}; try a lower learning rate.`, 'invalid', 'learningRate')
}

/** The training, validation or test images of `data`, as a step reads them. */
export function stepImages(data: TrainingData, split: 'train' | 'validation' | 'test'): StepImages {
  const { rows, cols, channels, numClasses } = data
  return { set: data[split], rows, cols, channels, numClasses }
}

/** The loop's step on one replica: the batch's dropout seeds from the run's generator, then the step. */
export function singleReplicaStep(step: TrainingStep): TrainStep {
  return ({ indices, rng, augmentSeed, learningRate }) =>
    step.run({
      indices,
      dropoutSeeds: drawSeeds(rng, step.dropoutLayers),
      augment: augmentSeed === null ? null : { seed: augmentSeed, offset: 0 },
      learningRate,
    })
}

/** What evaluating a set gives: its mean loss and accuracy, and its right answers per class. */
export interface SetEvaluation {
  loss: number
  accuracy: number
  perClass: ClassCounts
}

/** Mean loss and accuracy over `count` images (validation or test), or null when stopped midway. */
export async function evaluateSet(
  evaluate: EvaluateBatch,
  count: number,
  evalBatchSize: number,
  shouldStop: () => boolean,
  numClasses: number,
): Promise<SetEvaluation | null> {
  let sum = emptyEvaluation(numClasses)
  for (let start = 0; start < count; start += evalBatchSize) {
    if (shouldStop()) return null
    sum = addEvaluations(sum, await evaluate(start, Math.min(evalBatchSize, count - start)))
    await yieldToEventLoop()
  }
  const total = Math.max(1, count)
  return {
    loss: sum.lossSum / total,
    accuracy: sum.correct / total,
    perClass: { correct: sum.classCorrect, total: sum.classTotal },
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
