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

/** The epochs as CSV with a header line; lines end in CRLF as RFC 4180 has it. */
export function metricsCsv(metrics: readonly EpochMetrics[]): string {
  const lines = [COLUMNS.map(([header]) => header).join(',')]
  for (const row of [...metrics].sort((a, b) => a.epoch - b.epoch)) {
    lines.push(COLUMNS.map(([, key]) => csvField(row[key])).join(','))
  }
  return lines.join('\r\n') + '\r\n'
}
