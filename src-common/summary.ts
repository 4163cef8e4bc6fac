/**
 * A run's summary from its epochs. Pure and free of Node, so the renderer may import it as well
 * as the run manager.
 */
import type { EpochMetrics, RunSummary, TestResult } from './run-record'
import { selectEpochs, type SelectionConfig } from './selection'

/** Runs recorded before `monitor` existed chose their best epoch by validation accuracy. */
const DEFAULT_SELECTION: SelectionConfig = { monitor: 'val_accuracy', earlyStopping: null }

/**
 * A run's summary from its epochs: the last one's figures, the best epoch by the run's monitor
 * (and its validation accuracy), the speed, and the test figures when the run has them.
 */
export function summarizeMetrics(
  metrics: readonly EpochMetrics[],
  selection: SelectionConfig = DEFAULT_SELECTION,
  test: TestResult | null = null,
): RunSummary | null {
  if (metrics.length === 0) return null
  const last = metrics[metrics.length - 1]
  const { bestEpoch } = selectEpochs(selection, metrics)
  const best = metrics.find((m) => m.epoch === bestEpoch) ?? last
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
    testAccuracy: test?.accuracy ?? null,
    testLoss: test?.loss ?? null,
    testEpoch: test?.epoch ?? null,
  }
}

/** The test figures a summary carries, or null when it has none. */
export function testResultOf(summary: RunSummary | null): TestResult | null {
  if (!summary || summary.testEpoch === null || summary.testAccuracy === null || summary.testLoss === null)
    return null
  return { epoch: summary.testEpoch, loss: summary.testLoss, accuracy: summary.testAccuracy }
}
