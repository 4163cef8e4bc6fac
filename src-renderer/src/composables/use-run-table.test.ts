import { describe, expect, it } from 'vitest'
import { shallowRef } from 'vue'
import type { RunListItem } from '@common/contract'
import { runRecord } from '../lib/run-record.fixtures'
import { useRunTable } from './use-run-table'

const item = (id: string, name: string, createdAt: string, status: 'completed' | 'failed' = 'completed') => ({
  id,
  damaged: false as const,
  record: { ...runRecord(id, name, {}, []), createdAt, status },
})

describe('useRunTable', () => {
  it('lists the runs newest first, filtered by words and status, and sorts by the column clicked', () => {
    const items = shallowRef<RunListItem[]>([
      item('a', 'lr 1e-3', '2025-11-26T10:00:00.000Z'),
      item('b', 'lr 1e-4', '2025-11-27T10:00:00.000Z', 'failed'),
      { id: 'c', damaged: true, reason: 'run.json is not JSON' },
    ])
    const status = shallowRef<'all' | 'completed'>('all')
    const table = useRunTable(
      () => items.value,
      () => status.value,
    )
    expect(table.rows.value.map((r) => r.id)).toEqual(['b', 'a', 'c'])
    table.query.value = 'LR 1E'
    expect(table.rows.value.map((r) => r.id)).toEqual(['b', 'a'])
    status.value = 'completed'
    expect(table.rows.value.map((r) => r.id)).toEqual(['a'])

    status.value = 'all'
    table.query.value = ''
    table.sortBy('name')
    expect(table.rows.value.map((r) => r.name)).toEqual(['c', 'lr 1e-3', 'lr 1e-4'])
    table.sortBy('name')
    expect(table.rows.value.map((r) => r.name)).toEqual(['lr 1e-4', 'lr 1e-3', 'c'])
    expect(table.allRows.value).toHaveLength(3)
  })
})
