/**
 * A run's per-batch curve as `runs.get` returns it: the samples kept in metrics.jsonl, then the
 * live ones of the epoch in progress, thinned evenly to a size a chart draws at once.
 */
import type { BatchProgress, EpochMetrics, RunRecord } from '@common/contract'
import type { BatchSample } from '@common/run-record'

/** The most per-batch points `runs.get` returns. */
export const MAX_CURVE_POINTS = 3000

/**
 * Stored samples (of the epochs in `epochs`, and of the unfinished one after them) as progress
 * records, followed by the live samples past the last of them, thinned to at most `max` points.
 */
export function batchCurve(
  record: RunRecord,
  epochs: readonly EpochMetrics[],
  stored: readonly BatchSample[],
  live: readonly BatchProgress[] = [],
  max = MAX_CURVE_POINTS,
): BatchProgress[] {
  const byEpoch = new Map(epochs.map((m) => [m.epoch, m]))
  const batches = batchesPerEpoch(record, stored)
  const next = (epochs.at(-1)?.epoch ?? 0) + 1
  const points: BatchProgress[] = stored.flatMap((s) => {
    const epoch = byEpoch.get(s.epoch)
    if (!epoch && s.epoch !== next) return []
    return [
      {
        runId: record.id,
        epoch: s.epoch,
        epochs: record.config.epochs,
        batch: s.batch,
        batches,
        loss: s.loss,
        accuracy: s.accuracy,
        // A stored sample keeps no speed of its own; its epoch's mean is the honest figure, and
        // in an unfinished epoch the mean up to the sample.
        samplesPerSec: epoch?.samplesPerSec ?? unfinishedRate(s, record, byEpoch.get(s.epoch - 1)),
        elapsedMs: s.elapsedMs,
        etaMs: null,
      },
    ]
  })
  const lastStored = points.at(-1)?.epoch ?? 0
  points.push(...live.filter((p) => p.epoch > lastStored))
  return thinEvenly(points, max)
}

/** At most `max` items spread evenly over `items`, the first and the last always among them. */
export function thinEvenly<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items]
  if (max <= 1) return items.slice(-max)
  const kept: T[] = []
  for (let i = 0; i < max; i++) kept.push(items[Math.round((i * (items.length - 1)) / (max - 1))])
  return kept
}

/** Images a second in an unfinished epoch up to `sample`, from the end of the epoch before. */
function unfinishedRate(sample: BatchSample, record: RunRecord, before: EpochMetrics | undefined): number {
  const seconds = (sample.elapsedMs - (before?.elapsedMs ?? 0)) / 1000
  return seconds > 0 ? (sample.batch * record.config.batchSize) / seconds : 0
}

/** Batches an epoch: from the record's data set size, else from a sample's global step. */
function batchesPerEpoch(record: RunRecord, stored: readonly BatchSample[]): number {
  const trainCount = record.dataset?.trainCount
  if (trainCount) return Math.ceil(trainCount / record.config.batchSize)
  const later = stored.find((s) => s.epoch > 1)
  if (later) return (later.step - later.batch) / (later.epoch - 1)
  return Math.max(1, ...stored.map((s) => s.batch))
}
