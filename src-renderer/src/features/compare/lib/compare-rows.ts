/**
 * The comparison table: one row per field, one column per run. A row differs when the runs show
 * different values; result rows also say which run did best.
 */
import type { RunRecord } from '@common/contract'
import { describeInputShape } from '@common/datasets'
import { formatLearningRate, formatPercent } from '@common/format'
import { runNetworkShape } from '@common/run-record'
import { describeArchitecture } from '../../../lib/architecture'
import {
  describeAugmentation,
  describeRegularization,
  describeSchedule,
  describeSelection,
  describeValidation,
} from '../../../lib/recipe-text'
import { formatCount, formatDate, formatDuration, formatLoss } from '../../../lib/format'

export type RowGroup = 'config' | 'result'
type Raw = string | number | null

export interface CompareRow {
  key: string
  label: string
  /** The label with the unit of `values`, for the CSV: `Duration (ms)`. */
  csvLabel: string
  group: RowGroup
  /** Values for CSV: numbers unformatted, null when the run has none. */
  values: Raw[]
  /** Values as the table shows them. */
  display: string[]
  /** Whether the shown values are not all the same. */
  differs: boolean
  /** Columns holding the best value, for fields where higher or lower is better. */
  best: number[]
}

/** Extra facts not in the record: the parameter count of a run's network, when known. */
export interface RowContext {
  paramsOf?: (record: RunRecord) => number | null
}

interface Field {
  key: string
  label: string
  group: RowGroup
  value: (record: RunRecord, context: RowContext) => Raw
  show: (value: Raw) => string
  better?: 'higher' | 'lower'
  /** Always different between runs, so never counted as a difference (start time). */
  context?: boolean
  /** The unit of the raw value, named in the CSV header. */
  unit?: string
}

const DASH = '—'
const num = (value: Raw, format: (n: number) => string) => (typeof value === 'number' ? format(value) : DASH)
const text = (value: Raw) => (value === null || value === '' ? DASH : String(value))

const FIELDS: Field[] = [
  {
    key: 'learningRate',
    label: 'Learning rate',
    group: 'config',
    value: (r) => r.config.learningRate,
    show: (v) => num(v, formatLearningRate),
  },
  {
    key: 'batchSize',
    label: 'Batch size',
    group: 'config',
    value: (r) => r.config.batchSize,
    show: (v) => num(v, String),
  },
  {
    key: 'epochs',
    label: 'Epochs',
    group: 'config',
    value: (r) => r.config.epochs,
    show: (v) => num(v, String),
  },
  {
    key: 'optimizer',
    label: 'Optimizer',
    group: 'config',
    value: (r) => (r.config.optimizer === 'sgd' ? `sgd, momentum ${r.config.momentum}` : r.config.optimizer),
    show: text,
  },
  {
    key: 'architecture',
    label: 'Architecture',
    group: 'config',
    value: (r) => describeArchitecture(r.config.architecture, runNetworkShape(r.dataset).classCount),
    show: text,
  },
  {
    key: 'parameters',
    label: 'Parameters',
    group: 'config',
    value: (r, c) => c.paramsOf?.(r) ?? null,
    show: (v) => num(v, formatCount),
  },
  {
    key: 'dataset',
    label: 'Data set',
    group: 'config',
    value: (r) =>
      r.dataset?.title ??
      (r.config.dataset.kind === 'folder' ? r.config.dataset.path : r.config.dataset.kind),
    show: text,
  },
  {
    key: 'input',
    label: 'Input',
    group: 'config',
    value: (r) => {
      const { inputShape, classCount } = runNetworkShape(r.dataset)
      return `${describeInputShape(inputShape)} · ${classCount} classes`
    },
    show: text,
  },
  {
    key: 'trainImages',
    label: 'Training images',
    group: 'config',
    value: (r) => r.config.trainLimit ?? r.dataset?.trainCount ?? null,
    show: (v) => num(v, formatCount),
  },
  {
    key: 'validation',
    label: 'Validation',
    group: 'config',
    value: (r) => describeValidation(r.config),
    show: text,
  },
  {
    key: 'schedule',
    label: 'Schedule',
    group: 'config',
    value: (r) => describeSchedule(r.config),
    show: text,
  },
  {
    key: 'augmentation',
    label: 'Augmentation',
    group: 'config',
    value: (r) => describeAugmentation(r.config),
    show: text,
  },
  {
    key: 'regularization',
    label: 'Regularization',
    group: 'config',
    value: (r) => describeRegularization(r.config),
    show: text,
  },
  {
    key: 'selection',
    label: 'Epoch chosen',
    group: 'config',
    value: (r) => describeSelection(r.config),
    show: text,
  },
  { key: 'seed', label: 'Seed', group: 'config', value: (r) => r.config.seed, show: (v) => num(v, String) },
  { key: 'backend', label: 'Backend', group: 'config', value: (r) => r.backend?.name ?? null, show: text },
  { key: 'status', label: 'Status', group: 'result', value: (r) => r.status, show: text },
  {
    key: 'bestValAccuracy',
    label: 'Best validation accuracy',
    group: 'result',
    value: (r) => r.summary?.bestValAccuracy ?? null,
    show: (v) => num(v, (n) => formatPercent(n)),
    better: 'higher',
  },
  {
    key: 'bestEpoch',
    label: 'Best epoch',
    group: 'result',
    value: (r) => r.summary?.bestEpoch ?? null,
    show: (v) => num(v, String),
  },
  {
    key: 'testAccuracy',
    label: 'Test accuracy',
    group: 'result',
    value: (r) => r.summary?.testAccuracy ?? null,
    show: (v) => num(v, (n) => formatPercent(n)),
    better: 'higher',
  },
  {
    key: 'valAccuracy',
    label: 'Final validation accuracy',
    group: 'result',
    value: (r) => r.summary?.valAccuracy ?? null,
    show: (v) => num(v, (n) => formatPercent(n)),
    better: 'higher',
  },
  {
    key: 'trainAccuracy',
    label: 'Final training accuracy',
    group: 'result',
    value: (r) => r.summary?.trainAccuracy ?? null,
    show: (v) => num(v, (n) => formatPercent(n)),
    better: 'higher',
  },
  {
    key: 'valLoss',
    label: 'Final validation loss',
    group: 'result',
    value: (r) => r.summary?.valLoss ?? null,
    show: (v) => num(v, formatLoss),
    better: 'lower',
  },
  {
    key: 'trainLoss',
    label: 'Final training loss',
    group: 'result',
    value: (r) => r.summary?.trainLoss ?? null,
    show: (v) => num(v, formatLoss),
    better: 'lower',
  },
  {
    key: 'epochsRun',
    label: 'Epochs run',
    group: 'result',
    value: (r) => r.summary?.epochs ?? 0,
    show: (v) => num(v, String),
  },
  {
    key: 'durationMs',
    label: 'Duration',
    unit: 'ms',
    group: 'result',
    value: (r) => r.summary?.durationMs ?? null,
    show: (v) => num(v, formatDuration),
    better: 'lower',
  },
  {
    key: 'samplesPerSec',
    label: 'Samples/s',
    group: 'result',
    value: (r) => r.summary?.samplesPerSec ?? null,
    show: (v) => num(v, formatCount),
    better: 'higher',
  },
  {
    key: 'createdAt',
    context: true,
    label: 'Started',
    group: 'result',
    value: (r) => r.createdAt,
    show: (v) => formatDate(typeof v === 'string' ? v : null),
  },
]

/** The labels of every row, in order (for tests and the CSV). */
export const ROW_LABELS = FIELDS.map((f) => f.label)

function bestColumns(values: Raw[], display: string[], better: Field['better']): number[] {
  if (!better || values.length < 2) return []
  const numbers = values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null))
  const present = numbers.filter((n): n is number => n !== null)
  if (present.length < 2) return []
  // Ties as shown count as ties: 97.00% and 97.00% are both best, or neither stands out.
  const target = better === 'higher' ? Math.max(...present) : Math.min(...present)
  const shown = display[numbers.indexOf(target)]
  const best = display.flatMap((d, i) => (numbers[i] !== null && d === shown ? [i] : []))
  return best.length === present.length ? [] : best
}

/** The table's rows for `records`, one column each, in the order given. */
export function compareRows(records: readonly RunRecord[], context: RowContext = {}): CompareRow[] {
  return FIELDS.map((field) => {
    const values = records.map((r) => field.value(r, context))
    const display = values.map((v) => field.show(v))
    return {
      key: field.key,
      label: field.label,
      csvLabel: field.unit ? `${field.label} (${field.unit})` : field.label,
      group: field.group,
      values,
      display,
      differs: !field.context && new Set(display).size > 1,
      best: bestColumns(values, display, field.better),
    }
  })
}

/** The rows where the runs differ (the table's "only differences" switch). */
export function differingRows(rows: readonly CompareRow[]): CompareRow[] {
  return rows.filter((row) => row.differs)
}

/** What differs in the configuration, as a sentence: "Only the learning rate differs." */
export function configDifference(rows: readonly CompareRow[]): string {
  const differing = rows.filter((r) => r.group === 'config' && r.differs && r.key !== 'parameters')
  if (differing.length === 0) return 'The configurations are the same.'
  const names = differing.map((r) => lowerFirst(r.label))
  if (names.length === 1) return `Only the ${names[0]} differs in the configuration.`
  return `The configurations differ in ${names.slice(0, -1).join(', ')} and ${names.at(-1)}.`
}

function lowerFirst(label: string): string {
  return label.charAt(0).toLowerCase() + label.slice(1)
}
