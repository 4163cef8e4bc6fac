/**
 * The training loop: seeded shuffling per epoch, one `tf.tidy` per step, validation on the whole
 * test set after each epoch, a yield to the event loop between batches (so a stop message gets
 * through), throttled progress for the live view and sparser samples to keep in metrics.jsonl.
 * Stop ends it at the next batch boundary; the unfinished epoch is dropped.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { BatchProgress, EpochMetrics } from '@common/contract'
import type { BatchSample } from '@common/run-record'
import type { ImageSet } from './batches'
import type { Rng } from './rng'
import {
  TrainingStep,
  drawSeeds,
  evaluateBatch,
  type EvaluateBatch,
  type StepImages,
  type StepStats,
} from './step'

export interface TrainingData {
  rows: number
  cols: number
  numClasses: number
  train: ImageSet
  test: ImageSet
}

export interface EpochReport {
  metrics: EpochMetrics
  epochs: number
  /** Time still needed for the remaining epochs, from this session's pace; 0 after the last. */
  etaMs: number | null
}

export interface LoopOptions {
  model: tfl.LayersModel
  optimizer: tf.Optimizer
  data: TrainingData
  epochs: number
  batchSize: number
  /** The first epoch to train, 1-based; the ones before it are done (a resumed run). */
  startEpoch?: number
  /** Draws every shuffle and dropout mask; its state after an epoch goes into the checkpoint. */
  rng: Rng
  /** Training time spent before this session (a resumed run), counted in `elapsedMs`. */
  elapsedBeforeMs?: number
  /** Checked at every batch boundary. */
  shouldStop: () => boolean
  /** Per-batch figures, at most one per `progressIntervalMs`. */
  onProgress?: (progress: Omit<BatchProgress, 'runId'>) => void
  /** After each finished epoch; awaited before the next one starts (checkpointing). */
  onEpoch: (report: EpochReport) => Promise<void>
  progressIntervalMs?: number
  /**
   * Per-batch samples to keep, at most one per `sampleIntervalMs` (default 500) and about
   * `MAX_SAMPLES_PER_EPOCH` an epoch, so even a slow backend's long run keeps a small file.
   */
  onSample?: (sample: BatchSample) => void
  sampleIntervalMs?: number
  /** Images per validation step. */
  evalBatchSize?: number
  /** Replaces the single-replica step (data-parallel replicas); it must update `model` itself. */
  trainStep?: TrainStep
  /** Replaces validation on `model` alone (data-parallel replicas share each batch). */
  evaluateBatch?: EvaluateBatch
  now?: () => number
}

export type LoopOutcome = 'completed' | 'stopped'

/** The most batch samples kept for one epoch (fewer when batches are slower than the interval). */
export const MAX_SAMPLES_PER_EPOCH = 200

/**
 * What the loop hands a step. Per-step inputs of later features (a training flag, a scheduled
 * learning rate) are added here and passed on to `StepInput`.
 */
export interface StepRequest {
  /** The training images of the whole batch. */
  indices: Int32Array
  /** The run's generator: the step draws its dropout seeds from it. */
  rng: Rng
}

/** One optimizer step on a batch; resolves to the batch's mean loss and how many it classified right. */
export type TrainStep = (request: StepRequest) => Promise<StepStats>

/** Trains epochs `startEpoch..epochs`; resolves 'stopped' when `shouldStop` cut it short. */
export async function runTrainingLoop(options: LoopOptions): Promise<LoopOutcome> {
  const { model, optimizer, data, epochs, batchSize, rng, shouldStop } = options
  const now = options.now ?? (() => performance.now())
  const interval = options.progressIntervalMs ?? 100
  const sampleInterval = options.sampleIntervalMs ?? 500
  const evalBatchSize = options.evalBatchSize ?? Math.max(batchSize, 500)
  const step: TrainStep =
    options.trainStep ?? singleReplicaStep(new TrainingStep(model, optimizer, stepImages(data, 'train')))
  const testImages = stepImages(data, 'test')
  const evaluate: EvaluateBatch =
    options.evaluateBatch ?? ((start, count) => evaluateBatch(model, testImages, start, count))
  const sessionStart = now()
  const elapsedBefore = options.elapsedBeforeMs ?? 0
  const count = data.train.count
  const batches = Math.ceil(count / batchSize)
  const epochDurations: number[] = []
  let lastValidationMs = 0
  let lastProgressAt = -Infinity
  const sampleEvery = Math.max(1, Math.ceil(batches / MAX_SAMPLES_PER_EPOCH))
  let lastSampleAt = -Infinity
  let lastSampleStep = -Infinity

  for (let epoch = options.startEpoch ?? 1; epoch <= epochs; epoch++) {
    const epochStart = now()
    const order = rng.shuffle(Int32Array.from({ length: count }, (_, i) => i))
    let lossSum = 0
    let correct = 0
    let seen = 0
    for (let b = 0; b < batches; b++) {
      if (shouldStop()) return 'stopped'
      const indices = order.subarray(b * batchSize, Math.min(count, (b + 1) * batchSize))
      const { loss, correct: hits } = await step({ indices, rng })
      lossSum += loss * indices.length
      correct += hits
      seen += indices.length
      const t = now()
      const globalStep = (epoch - 1) * batches + b + 1
      if (
        options.onSample &&
        t - lastSampleAt >= sampleInterval &&
        globalStep - lastSampleStep >= sampleEvery
      ) {
        lastSampleAt = t
        lastSampleStep = globalStep
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
    const validation = await validate(evaluate, data.test.count, evalBatchSize, shouldStop)
    if (validation === null) return 'stopped'
    const epochEnd = now()
    lastValidationMs = epochEnd - trainEnd
    epochDurations.push(epochEnd - epochStart)
    const meanEpochMs = epochDurations.reduce((a, b) => a + b, 0) / epochDurations.length
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
    }
    await options.onEpoch({ metrics, epochs, etaMs: (epochs - epoch) * meanEpochMs })
  }
  return 'completed'
}

/** The training or the test images of `data`, as a step reads them. */
export function stepImages(data: TrainingData, split: 'train' | 'test'): StepImages {
  return { set: data[split], rows: data.rows, cols: data.cols, numClasses: data.numClasses }
}

/** The loop's step on one replica: the batch's dropout seeds from the run's generator, then the step. */
export function singleReplicaStep(step: TrainingStep): TrainStep {
  return ({ indices, rng }) => step.run({ indices, dropoutSeeds: drawSeeds(rng, step.dropoutLayers) })
}

/** Mean loss and accuracy over the whole test set, or null when stopped midway. */
async function validate(
  evaluate: EvaluateBatch,
  count: number,
  evalBatchSize: number,
  shouldStop: () => boolean,
): Promise<{ loss: number; accuracy: number } | null> {
  let lossSum = 0
  let correct = 0
  for (let start = 0; start < count; start += evalBatchSize) {
    if (shouldStop()) return null
    const stats = await evaluate(start, Math.min(evalBatchSize, count - start))
    lossSum += stats.lossSum
    correct += stats.correct
    await yieldToEventLoop()
  }
  const total = Math.max(1, count)
  return { loss: lossSum / total, accuracy: correct / total }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
