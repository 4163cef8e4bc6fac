import { describe, expect, it } from 'vitest'
import type { RunListItem, RunRecord } from '@common/contract'
import { defaultConfig } from '../features/new-run/lib/run-form'
import { ariaSort, filterRows, nextSort, sortRows, toRow } from './runs-table'

function record(
  id: string,
  name: string,
  best: number | null,
  status: RunRecord['status'] = 'completed',
): RunListItem {
  return {
    id,
    damaged: false,
    record: {
      id,
      name,
      createdAt: `2025-11-2${id}T10:00:00Z`,
      updatedAt: `2025-11-2${id}T10:00:00Z`,
      status,
      config: defaultConfig({ epochs: 5 }),
      dataset: { ref: { kind: 'mnist' }, title: 'MNIST', trainCount: 60000, testCount: 10000 },
      backend: { name: 'wasm', version: '4.22.0', device: 'cpu', threads: 1 },
      summary:
        best === null
          ? null
          : {
              epochs: 5,
              trainLoss: 0.1,
              trainAccuracy: 0.9,
              valLoss: 0.1,
              valAccuracy: best,
              bestValAccuracy: best,
              bestEpoch: 5,
              samplesPerSec: 500,
              durationMs: 1000,
              testAccuracy: null,
              testLoss: null,
              testEpoch: null,
            },
      checkpointEpoch: 5,
    },
  }
}

const rows = [
  toRow(record('1', 'run 10', 0.97)),
  toRow(record('2', 'run 9', null, 'running')),
  toRow(record('3', 'Alpha', 0.99, 'stopped')),
  toRow({ id: 'broken', damaged: true, reason: 'run.json is not JSON' }),
]

describe('runs table', () => {
  it('makes rows, damaged ones too', () => {
    expect(rows[0]).toMatchObject({
      name: 'run 10',
      dataset: 'MNIST',
      bestValAccuracy: 0.97,
      epochsDone: 5,
      epochsPlanned: 5,
      backend: 'wasm',
    })
    expect(rows[3]).toMatchObject({ name: 'broken', status: 'damaged', reason: 'run.json is not JSON' })
  })

  it('sorts numbers and names naturally, empty values last both ways', () => {
    const by = (key: Parameters<typeof sortRows>[1]['key'], direction: 'asc' | 'desc') =>
      sortRows(rows, { key, direction }).map((row) => row.id)
    expect(by('bestValAccuracy', 'desc')).toEqual(['3', '1', '2', 'broken'])
    expect(by('bestValAccuracy', 'asc')).toEqual(['1', '3', '2', 'broken'])
    expect(by('name', 'asc')).toEqual(['3', 'broken', '2', '1'])
    expect(by('createdAt', 'desc')).toEqual(['3', '2', '1', 'broken'])
  })

  it('filters by words and status', () => {
    expect(filterRows(rows, 'RUN', 'all').map((row) => row.id)).toEqual(['1', '2'])
    expect(filterRows(rows, 'mnist alpha', 'all').map((row) => row.id)).toEqual(['3'])
    expect(filterRows(rows, '', 'running').map((row) => row.id)).toEqual(['2'])
  })

  it('says which worker trained a remote run, and finds runs by it', () => {
    const item = record('4', 'far away', 0.9)
    if (item.damaged) throw new Error('a readable run')
    const remote = toRow({
      ...item,
      record: { ...item.record, remote: true, worker: { name: 'gpu-1', host: 'lab-7' } },
    })
    expect(remote.worker).toBe('on worker gpu-1 (lab-7)')
    expect(rows[0].worker).toBeNull()
    expect(filterRows([...rows, remote], 'gpu-1', 'all').map((row) => row.id)).toEqual(['4'])
  })

  it('flips the direction on the same column', () => {
    expect(nextSort({ key: 'name', direction: 'asc' }, 'name')).toEqual({ key: 'name', direction: 'desc' })
    expect(nextSort({ key: 'name', direction: 'asc' }, 'bestValAccuracy')).toEqual({
      key: 'bestValAccuracy',
      direction: 'desc',
    })
  })

  it('tells assistive technology which column sorts, and which way', () => {
    const order = { key: 'name', direction: 'desc' } as const
    expect([ariaSort(order, 'name'), ariaSort(order, 'status')]).toEqual(['descending', 'none'])
    expect(ariaSort({ key: 'name', direction: 'asc' }, 'name')).toBe('ascending')
  })
})

describe('filterRows by tags and settings', () => {
  const tagged = (id: string, tags: string[], optimizer: 'adam' | 'sgd', learningRate: number) => {
    const item = record(id, `run ${id}`, 0.9) as Extract<RunListItem, { damaged: false }>
    return toRow({
      ...item,
      record: { ...item.record, tags, config: { ...item.record.config, optimizer, learningRate } },
    })
  }
  const rows = [
    tagged('1', ['baseline'], 'adam', 1e-3),
    tagged('2', ['sweep'], 'sgd', 0.01),
    tagged('3', ['baseline-2'], 'adam', 0.01),
  ]
  const ids = (query: string) => filterRows(rows, query, 'all').map((r) => r.id)

  it('finds every run of a setting by its value, alone or with its key', () => {
    expect(ids('adam')).toEqual(['1', '3'])
    expect(ids('optimizer sgd')).toEqual(['2'])
    expect(ids('learningrate 0.01')).toEqual(['2', '3'])
  })

  it('matches tag: exactly, any other word anywhere in a tag', () => {
    expect(ids('tag:baseline')).toEqual(['1'])
    expect(ids('TAG:Sweep')).toEqual(['2'])
    expect(ids('baseline')).toEqual(['1', '3'])
    expect(ids('tag:baseline adam')).toEqual(['1'])
  })
})

describe('a row’s divergence', () => {
  const withEpoch = (trainLoss: number, accuracy: number) => {
    const item = record('1', 'run', 0.9) as Extract<RunListItem, { damaged: false }>
    const summary = { ...item.record.summary!, trainLoss, trainAccuracy: accuracy, valAccuracy: accuracy }
    delete summary.divergence
    return toRow({ ...item, record: { ...item.record, summary } }).divergence
  }

  it('says “diverged” for an exploded loss, “not learning” at chance, nothing for a run that learns', () => {
    expect(withEpoch(2.1e10, 0.1)?.label).toBe('diverged')
    expect(withEpoch(2.3, 0.1)?.label).toBe('not learning')
    expect(withEpoch(0.1, 0.9)).toBeNull()
  })
})
