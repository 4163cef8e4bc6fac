/** What the comparison knows of each chosen run, and the names it shows them by. */
import type { EpochMetrics, RunRecord } from '@common/contract'
import { summarizeMetrics, testResultOf } from '@common/summary'

export interface ComparedRun {
  id: string
  /** The run's name, made unique among the compared runs (legends, column heads). */
  label: string
  /** Palette slot (see compareColors.ts). */
  slot: number
  record: RunRecord
  /** Finished epochs, in order. */
  metrics: EpochMetrics[]
}

/** Names for the runs, in order; a name two runs share gets the end of the run id added. */
export function uniqueLabels(records: readonly Pick<RunRecord, 'id' | 'name'>[]): string[] {
  const counts = new Map<string, number>()
  for (const r of records) counts.set(r.name, (counts.get(r.name) ?? 0) + 1)
  return records.map((r) => ((counts.get(r.name) ?? 0) > 1 ? `${r.name} (${r.id.slice(-6)})` : r.name))
}

/** A stable key of an architecture, to ask for its parameter count once. */
export function architectureKey(architecture: RunRecord['config']['architecture']): string {
  return JSON.stringify(architecture)
}

/** Metrics sorted by epoch with a repeated epoch kept once (the later line wins, as on resume). */
export function cleanMetrics(metrics: readonly EpochMetrics[]): EpochMetrics[] {
  const byEpoch = new Map<number, EpochMetrics>()
  for (const m of metrics) byEpoch.set(m.epoch, m)
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch)
}

/**
 * The record with its summary brought up to date from `metrics`: a running run's record is
 * written at its end, while its epochs arrive as they finish.
 */
export function withLiveSummary(record: RunRecord, metrics: readonly EpochMetrics[]): RunRecord {
  const last = metrics.at(-1)
  if (!last || (record.summary && record.summary.epochs >= last.epoch)) return record
  return { ...record, summary: summarizeMetrics(metrics, record.config, testResultOf(record.summary)) }
}
