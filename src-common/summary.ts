/**
 * A run's summary from its epochs. Pure and free of Node, so the renderer may import it as well
 * as the run manager.
 */
import type { EpochMetrics, RunSummary } from './contract'

/** A run's summary from its epochs: the last one's figures, the best validation accuracy, the speed. */
export function summarizeMetrics(metrics: readonly EpochMetrics[]): RunSummary | null {
  if (metrics.length === 0) return null
  const last = metrics[metrics.length - 1]
  const best = metrics.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a))
  const samplesPerSec = metrics.reduce((sum, m) => sum + m.samplesPerSec, 0) / metrics.length
  return {
    epochs: last.epoch,
    trainLoss: last.trainLoss,
    trainAccuracy: last.trainAccuracy,
    valLoss: last.valLoss,
    valAccuracy: last.valAccuracy,
    bestValAccuracy: best.valAccuracy,
    bestEpoch: best.epoch,
    samplesPerSec,
    durationMs: last.elapsedMs,
  }
}
