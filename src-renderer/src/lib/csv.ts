/** Metrics of a run as CSV, one row an epoch, for spreadsheets and pandas. */
import type { EpochMetrics } from '@common/contract'

const COLUMNS = [
  ['epoch', 'epoch'],
  ['train_loss', 'trainLoss'],
  ['train_accuracy', 'trainAccuracy'],
  ['val_loss', 'valLoss'],
  ['val_accuracy', 'valAccuracy'],
  ['samples_per_sec', 'samplesPerSec'],
  ['elapsed_ms', 'elapsedMs'],
  ['time', 'time'],
] as const satisfies readonly (readonly [string, keyof EpochMetrics])[]

/** One CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'number' && !Number.isFinite(value) ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * The epochs as CSV with a header line; lines end in CRLF as RFC 4180 has it. Where epochs
 * counted their validation images per class, a `val_accuracy_<class>` column follows for each of
 * `classNames` (empty in an epoch without counts, or where the class had no validation image).
 */
export function metricsCsv(metrics: readonly EpochMetrics[], classNames: readonly string[] = []): string {
  const counted = metrics.some((m) => m.valPerClass)
  const classes = counted ? classNames : []
  const header = [...COLUMNS.map(([name]) => name), ...classes.map((name) => `val_accuracy_${name}`)]
  const lines = [header.map(csvField).join(',')]
  for (const row of [...metrics].sort((a, b) => a.epoch - b.epoch)) {
    const perClass = classes.map((_, k) => {
      const total = row.valPerClass?.total[k]
      return total ? row.valPerClass!.correct[k] / total : null
    })
    lines.push([...COLUMNS.map(([, key]) => row[key]), ...perClass].map(csvField).join(','))
  }
  return lines.join('\r\n') + '\r\n'
}
