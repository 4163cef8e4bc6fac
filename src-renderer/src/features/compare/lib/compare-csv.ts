/** The comparison as CSV: the table (one column per run) and every run's epochs (long format). */
import type { CompareRow } from './compare-rows'
import type { ComparedRun } from './compare-runs'
import { csvField } from '../../../lib/csv'

const line = (fields: unknown[]) => fields.map(csvField).join(',')

/** The comparison table: a header of run names, a row of run ids, then one row per field. */
export function comparisonTableCsv(
  runs: readonly Pick<ComparedRun, 'id' | 'label'>[],
  rows: readonly CompareRow[],
): string {
  const lines = [line(['field', ...runs.map((r) => r.label)]), line(['run id', ...runs.map((r) => r.id)])]
  for (const row of rows) lines.push(line([row.csvLabel, ...row.values]))
  return lines.join('\r\n') + '\r\n'
}

/** Every epoch of every run, one line each, with the run it belongs to (ready for pandas). */
export function comparisonMetricsCsv(runs: readonly Pick<ComparedRun, 'id' | 'label' | 'metrics'>[]): string {
  const lines = [
    line([
      'run_id',
      'run_name',
      'epoch',
      'train_loss',
      'train_accuracy',
      'val_loss',
      'val_accuracy',
      'samples_per_sec',
      'elapsed_ms',
    ]),
  ]
  for (const run of runs) {
    for (const m of run.metrics) {
      lines.push(
        line([
          run.id,
          run.label,
          m.epoch,
          m.trainLoss,
          m.trainAccuracy,
          m.valLoss,
          m.valAccuracy,
          m.samplesPerSec,
          m.elapsedMs,
        ]),
      )
    }
  }
  return lines.join('\r\n') + '\r\n'
}
