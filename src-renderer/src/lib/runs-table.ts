/** The rows of the runs library: what each column shows, how it sorts and what a filter matches. */
import type { RunListItem, RunRecord, RunStatus } from '@common/contract'
import { DATASET_TITLES } from '@common/schemas'
import { divergenceOf } from '@common/summary'
import { keptCheckpoints, type KeptCheckpoints } from '@common/export-names'
import { workerPlaceText } from './worker-text'

export interface RunRow {
  id: string
  name: string
  dataset: string
  /** `damaged` when run.json could not be read. */
  status: RunStatus | 'damaged'
  bestValAccuracy: number | null
  epochsDone: number | null
  epochsPlanned: number | null
  durationMs: number | null
  backend: string | null
  /** Where a run of the Redis queue trains or trained ("on worker NAME (HOST)"); null for this machine. */
  worker: string | null
  createdAt: string | null
  /** The run's tags, as given. */
  tags: string[]
  /** Every setting of the run as "key value" words, for the filter ("adam" finds Adam runs). */
  settings: string
  learningRate: number | null
  optimizer: string | null
  batchSize: number | null
  testAccuracy: number | null
  /** Whether the run diverged (its loss exploded) or is not learning (at chance); null when it learns. */
  divergence: { label: 'diverged' | 'not learning'; message: string } | null
  /** The checkpoints the run keeps, for its export menu. */
  checkpoints: KeptCheckpoints
  /** Why a damaged run cannot be read. */
  reason?: string
  /** A queued run's place in line (1: next). */
  queuePlace?: number
}

export type SortKey =
  | 'name'
  | 'dataset'
  | 'status'
  | 'bestValAccuracy'
  | 'testAccuracy'
  | 'epochs'
  | 'learningRate'
  | 'optimizer'
  | 'batchSize'
  | 'durationMs'
  | 'backend'
  | 'createdAt'
export interface SortOrder {
  key: SortKey
  direction: 'asc' | 'desc'
}
export type StatusFilter = RunStatus | 'all'

/** The columns a person may show or hide (the name always shows), in the table's order. */
export const RUN_COLUMNS: readonly { key: Exclude<SortKey, 'name'>; label: string; numeric: boolean }[] = [
  { key: 'dataset', label: 'Data set', numeric: false },
  { key: 'status', label: 'Status', numeric: false },
  { key: 'bestValAccuracy', label: 'Best val. accuracy', numeric: true },
  { key: 'testAccuracy', label: 'Test accuracy', numeric: true },
  { key: 'epochs', label: 'Epochs', numeric: true },
  { key: 'learningRate', label: 'Learning rate', numeric: true },
  { key: 'optimizer', label: 'Optimizer', numeric: false },
  { key: 'batchSize', label: 'Batch', numeric: true },
  { key: 'durationMs', label: 'Duration', numeric: true },
  { key: 'backend', label: 'Backend', numeric: false },
  { key: 'createdAt', label: 'Date', numeric: false },
]

/** The columns shown until a person chooses: those the table always had. */
export const DEFAULT_RUN_COLUMNS: readonly SortKey[] = [
  'dataset',
  'status',
  'bestValAccuracy',
  'epochs',
  'durationMs',
  'backend',
  'createdAt',
]

/**
 * Every leaf of a run's configuration as "key value" ("optimizer adam", "learningRate 0.001",
 * "augmentation.rotation 10"), lower-cased, for the filter.
 */
export function settingsText(config: unknown, path = ''): string {
  if (config === null || typeof config !== 'object') return `${path} ${String(config)}`.toLowerCase()
  return Object.entries(config)
    .map(([key, value]) => settingsText(value, path ? `${path}.${key}` : key))
    .join(' ')
}

function divergenceRow(record: RunRecord): RunRow['divergence'] {
  const found = divergenceOf(record)
  if (!found) return null
  return { label: found.kind === 'loss' ? 'diverged' : 'not learning', message: found.message }
}

/** One table row per stored run. */
export function toRow(item: RunListItem): RunRow {
  if (item.damaged) {
    return {
      id: item.id,
      name: item.id,
      dataset: '',
      status: 'damaged',
      bestValAccuracy: null,
      epochsDone: null,
      epochsPlanned: null,
      durationMs: null,
      backend: null,
      worker: null,
      createdAt: null,
      checkpoints: { latest: 0, best: null },
      tags: [],
      settings: '',
      learningRate: null,
      optimizer: null,
      batchSize: null,
      testAccuracy: null,
      divergence: null,
      reason: item.reason,
    }
  }
  const { record } = item
  const ref = record.config.dataset
  return {
    id: record.id,
    name: record.name,
    dataset: record.dataset?.title ?? (ref.kind === 'folder' ? ref.path : DATASET_TITLES[ref.kind]),
    status: record.status,
    bestValAccuracy: record.summary?.bestValAccuracy ?? null,
    epochsDone: record.summary?.epochs ?? 0,
    epochsPlanned: record.config.epochs,
    durationMs: record.summary?.durationMs ?? null,
    backend: record.backend?.name ?? null,
    worker: workerPlaceText(record),
    createdAt: record.createdAt,
    ...(record.queuePlace ? { queuePlace: record.queuePlace } : {}),
    checkpoints: keptCheckpoints(record),
    tags: record.tags ?? [],
    settings: settingsText(record.config),
    learningRate: record.config.learningRate,
    optimizer: record.config.optimizer,
    batchSize: record.config.batchSize,
    testAccuracy: record.summary?.testAccuracy ?? null,
    divergence: divergenceRow(record),
  }
}

function sortValue(row: RunRow, key: SortKey): string | number | null {
  switch (key) {
    case 'epochs':
      return row.epochsDone
    case 'name':
    case 'dataset':
    case 'status':
    case 'backend':
    case 'optimizer':
      return row[key]?.toLowerCase() ?? null
    default:
      return row[key]
  }
}

/** Rows in the order asked; empty values go last whichever the direction. Stable. */
export function sortRows(rows: readonly RunRow[], order: SortOrder): RunRow[] {
  const sign = order.direction === 'asc' ? 1 : -1
  return rows
    .map((row, index) => ({ row, index, value: sortValue(row, order.key) }))
    .sort((a, b) => {
      if (a.value === null || a.value === '')
        return b.value === null || b.value === '' ? a.index - b.index : 1
      if (b.value === null || b.value === '') return -1
      const compared =
        typeof a.value === 'number' && typeof b.value === 'number'
          ? a.value - b.value
          : String(a.value).localeCompare(String(b.value), 'en', { numeric: true })
      return compared !== 0 ? sign * compared : a.index - b.index
    })
    .map(({ row }) => row)
}

/**
 * Rows that match every word of the query: `tag:x` a tag of the run (any case); any other word
 * a part of its name, id, data set, backend, status, a tag or a setting ("adam", "0.001").
 */
export function filterRows(rows: readonly RunRow[], query: string, status: StatusFilter): RunRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  return rows.filter((row) => {
    if (status !== 'all' && row.status !== status) return false
    const tags = row.tags.map((t) => t.toLowerCase())
    const haystack = [
      row.name,
      row.id,
      row.dataset,
      row.backend ?? '',
      row.worker ?? '',
      row.status,
      ...tags,
      row.settings,
    ]
      .join(' ')
      .toLowerCase()
    return words.every((word) =>
      word.startsWith('tag:') ? tags.includes(word.slice(4)) : haystack.includes(word),
    )
  })
}

/** The filter's text for one tag (a tag with spaces cannot be one word: its words then). */
export function tagQuery(tag: string): string {
  return /\s/.test(tag) ? tag.toLowerCase() : `tag:${tag.toLowerCase()}`
}

/** The sort after clicking a column: the same column flips, a new one starts with its natural order. */
export function nextSort(current: SortOrder, key: SortKey): SortOrder {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' }
  const textual = ['name', 'dataset', 'status', 'backend', 'optimizer'].includes(key)
  return { key, direction: textual ? 'asc' : 'desc' }
}

/** The aria-sort of a column's head under `order`. */
export function ariaSort(order: SortOrder, key: SortKey): 'ascending' | 'descending' | 'none' {
  if (order.key !== key) return 'none'
  return order.direction === 'asc' ? 'ascending' : 'descending'
}
