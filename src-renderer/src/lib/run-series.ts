/**
 * The points of a run's charts, kept outside Vue's reactivity (chart.js reads these arrays
 * directly): per-batch training loss and accuracy on a fractional-epoch axis, and per-epoch
 * training and validation loss and accuracy. Events may repeat what `runs.get` already gave;
 * adding is idempotent.
 */
import type { BatchProgress, EpochMetrics } from '@common/contract'

export interface Point {
  x: number
  y: number
}

/** Above this many per-batch points, every other one is dropped, so long runs stay light. */
export const MAX_BATCH_POINTS = 3000

export class RunSeries {
  readonly batchLoss: Point[] = []
  readonly batchAccuracy: Point[] = []
  readonly trainLoss: Point[] = []
  readonly valLoss: Point[] = []
  readonly trainAccuracy: Point[] = []
  readonly valAccuracy: Point[] = []
  /** Epochs seen, by number. */
  readonly epochs = new Map<number, EpochMetrics>()

  /** Forget everything (a new run, or a fresh `runs.get`). */
  clear(): void {
    for (const list of [
      this.batchLoss,
      this.batchAccuracy,
      this.trainLoss,
      this.valLoss,
      this.trainAccuracy,
      this.valAccuracy,
    ]) {
      list.length = 0
    }
    this.epochs.clear()
  }

  /** Add a per-batch sample at x = epochs done + fraction of this epoch. */
  addBatch(progress: BatchProgress): void {
    if (!Number.isFinite(progress.loss)) return
    const x = progress.epoch - 1 + progress.batch / Math.max(1, progress.batches)
    // A resumed run starts again from its checkpoint: points past it are from the lost attempt.
    dropFrom(this.batchLoss, x)
    dropFrom(this.batchAccuracy, x)
    this.batchLoss.push({ x, y: progress.loss })
    if (Number.isFinite(progress.accuracy)) this.batchAccuracy.push({ x, y: progress.accuracy })
    if (this.batchLoss.length > MAX_BATCH_POINTS) halve(this.batchLoss)
    if (this.batchAccuracy.length > MAX_BATCH_POINTS) halve(this.batchAccuracy)
  }

  /**
   * Add stored samples without losing newer ones already here: the live events may have brought
   * points past the store's last sample.
   */
  mergeBatches(samples: readonly BatchProgress[]): void {
    const last = this.batchLoss.at(-1)?.x ?? -1
    for (const sample of samples) {
      if (sample.epoch - 1 + sample.batch / Math.max(1, sample.batches) > last) this.addBatch(sample)
    }
  }

  /** Add or replace the metrics of one epoch. */
  addEpoch(metrics: EpochMetrics): void {
    this.epochs.set(metrics.epoch, metrics)
    const x = metrics.epoch
    upsert(this.trainLoss, x, metrics.trainLoss)
    upsert(this.valLoss, x, metrics.valLoss)
    upsert(this.trainAccuracy, x, metrics.trainAccuracy)
    upsert(this.valAccuracy, x, metrics.valAccuracy)
  }

  /** The epochs in order. */
  epochList(): EpochMetrics[] {
    return [...this.epochs.values()].sort((a, b) => a.epoch - b.epoch)
  }
}

function dropFrom(points: Point[], x: number): void {
  while (points.length > 0 && points[points.length - 1].x >= x) points.pop()
}

function upsert(points: Point[], x: number, y: number): void {
  if (!Number.isFinite(y)) return
  const at = points.findIndex((point) => point.x >= x)
  if (at === -1) points.push({ x, y })
  else if (points[at].x === x) points[at] = { x, y }
  else points.splice(at, 0, { x, y })
}

/** Keep every other point, and always the last one. */
function halve(points: Point[]): void {
  const last = points[points.length - 1]
  let kept = 0
  for (let i = 0; i < points.length; i += 2) points[kept++] = points[i]
  points.length = kept
  if (points[kept - 1] !== last) points.push(last)
}
