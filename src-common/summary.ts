/**
 * A run's summary from its epochs. Pure and free of Node, so the renderer may import it as well
 * as the run manager.
 */
import { detectDivergence, type Divergence } from './divergence'
import type { EpochMetrics, RunRecord, RunSummary, TestResult } from './run-record'
import { selectEpochs, type SelectionConfig } from './selection'

/** The classes of the data sets the workbench reads (digits, Fashion-MNIST's ten). */
const DEFAULT_CLASS_COUNT = 10

/** Runs recorded before `monitor` existed chose their best epoch by validation accuracy. */
const DEFAULT_SELECTION: SelectionConfig = { monitor: 'val_accuracy', earlyStopping: null }

/**
 * A run's summary from its epochs: the last one's figures, the best epoch by the run's monitor
 * (and its validation accuracy), the speed, the test figures when the run has them, and whether
 * it diverged (judged for `classCount` classes).
 */
export function summarizeMetrics(
  metrics: readonly EpochMetrics[],
  selection: SelectionConfig = DEFAULT_SELECTION,
  test: TestResult | null = null,
  classCount = DEFAULT_CLASS_COUNT,
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
    divergence: detectDivergence(metrics, classCount),
  }
}

/** How many classes a run's data set has, as its record says (ten where older records do not). */
export function classCountOf(record: Pick<RunRecord, 'dataset'>): number {
  return record.dataset?.classNames?.length ?? DEFAULT_CLASS_COUNT
}

/** The names of a run's classes, as its record says; records written before they were kept had ten, named by their digit. */
export function classNamesOf(record: Pick<RunRecord, 'dataset'>): string[] {
  return record.dataset?.classNames ?? Array.from({ length: DEFAULT_CLASS_COUNT }, (_, k) => String(k))
}

/**
 * Whether a run diverged, from its record: its summary's judgement, or, in a summary written
 * before runs were judged, its last epoch's figures judged alone.
 */
export function divergenceOf(record: Pick<RunRecord, 'dataset' | 'summary'>): Divergence | null {
  const { summary } = record
  if (!summary) return null
  if (summary.divergence !== undefined) return summary.divergence
  const { epochs, trainLoss, trainAccuracy, valLoss, valAccuracy } = summary
  const last = {
    type: 'epoch' as const,
    epoch: Math.max(1, epochs),
    trainLoss,
    trainAccuracy,
    valLoss,
    valAccuracy,
  }
  return detectDivergence([{ ...last, samplesPerSec: 0, elapsedMs: 0, time: '' }], classCountOf(record))
}

/** The test figures a summary carries, or null when it has none. */
export function testResultOf(summary: RunSummary | null): TestResult | null {
  if (!summary || summary.testEpoch === null || summary.testAccuracy === null || summary.testLoss === null)
    return null
  return { epoch: summary.testEpoch, loss: summary.testLoss, accuracy: summary.testAccuracy }
}
