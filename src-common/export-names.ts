/**
 * The names of exported files, made one way for every export (a run's metrics, charts and model,
 * a comparison's tables and charts): what was exported, made safe for any file system, then
 * what the file holds. The engine names the model files it makes with it, the renderer the rest;
 * and which checkpoints a run can export.
 */
import type { RunRecord } from './run-record'
import { keepsBest } from './selection'

/** What an exported file holds. */
export type ExportedFile =
  | { kind: 'metrics' }
  | { kind: 'charts' }
  | { kind: 'comparison' }
  | { kind: 'tfjs-model'; epoch: number }
  | { kind: 'tfjs-weights'; epoch: number }
  | { kind: 'onnx'; epoch: number }

/** The longest part of a file name taken from what was exported. */
const MAX_SUBJECT_LENGTH = 80

/** A name of letters, digits, dots, dashes and underscores only; `fallback` when none is left. */
export function fileSafeName(name: string, fallback = 'run'): string {
  const safe = name
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SUBJECT_LENGTH)
    .replace(/-+$/, '')
  return safe || fallback
}

/**
 * The file name of an export of `subject` (a run's name, or a comparison's): "Notebook-run-1-
 * metrics.csv", "Notebook-run-1-epoch12.onnx". `fallback` names a subject with no usable letter.
 */
export function exportFileName(subject: string, file: ExportedFile, fallback = 'run'): string {
  const base = fileSafeName(subject, fallback)
  switch (file.kind) {
    case 'metrics':
      return `${base}-metrics.csv`
    case 'charts':
      return `${base}-charts.png`
    case 'comparison':
      return `${base}-comparison.csv`
    case 'tfjs-model':
      return `${base}-epoch${file.epoch}.model.json`
    case 'tfjs-weights':
      return `${base}-epoch${file.epoch}.weights.bin`
    case 'onnx':
      return `${base}-epoch${file.epoch}.onnx`
  }
}

/** The checkpoints a run keeps: its latest (0 before the first), and its best when kept apart. */
export interface KeptCheckpoints {
  latest: number
  best: number | null
}

/** The checkpoints of a run, from its record: its best only where kept and not its latest. */
export function keptCheckpoints(record: RunRecord): KeptCheckpoints {
  const best = record.summary?.bestEpoch ?? 0
  const keptApart = keepsBest(record.config) && best > 0 && best !== record.checkpointEpoch
  return { latest: record.checkpointEpoch, best: keptApart ? best : null }
}
