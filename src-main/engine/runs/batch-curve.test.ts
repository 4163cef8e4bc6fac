import { describe, expect, it } from 'vitest'
import type { BatchProgress, EpochMetrics, RunRecord } from '@common/contract'
import { batchCurve, thinEvenly } from './batch-curve'
import type { BatchSample } from '@common/run-record'

const record = {
  id: '20260101-000000-abcd',
  config: { epochs: 3, batchSize: 30 },
  dataset: { trainCount: 300 },
} as unknown as RunRecord
const epoch = (n: number): EpochMetrics => ({
  type: 'epoch',
  epoch: n,
  trainLoss: 1,
  trainAccuracy: 0.5,
  valLoss: 1,
  valAccuracy: 0.5,
  samplesPerSec: 100 * n,
  elapsedMs: 0,
  time: '',
})
const sample = (e: number, batch: number): BatchSample => ({
  type: 'batch',
  epoch: e,
  batch,
  step: (e - 1) * 10 + batch,
  loss: 1 / batch,
  accuracy: 0.5,
  elapsedMs: 5,
})
const live = (e: number, batch: number) =>
  ({ runId: record.id, epoch: e, epochs: 3, batch, batches: 10, loss: 1, accuracy: 1 }) as BatchProgress

describe('batchCurve', () => {
  it('turns stored samples into progress points and continues with the live epoch', () => {
    const curve = batchCurve(
      record,
      [epoch(1), epoch(2)],
      [sample(1, 3), sample(2, 7)],
      [live(2, 9), live(3, 1), live(3, 4)],
    )
    expect(curve[0]).toEqual({
      runId: record.id,
      epoch: 1,
      epochs: 3,
      batch: 3,
      batches: 10,
      loss: 1 / 3,
      accuracy: 0.5,
      samplesPerSec: 100,
      elapsedMs: 5,
      etaMs: null,
    })
    expect(curve.map((p) => [p.epoch, p.batch])).toEqual([
      [1, 3],
      [2, 7],
      [3, 1],
      [3, 4],
    ])
  })

  it('works out the batches an epoch from the steps when the record has no data set', () => {
    const bare = { ...record, dataset: null }
    expect(batchCurve(bare, [epoch(1), epoch(2)], [sample(1, 3), sample(2, 7)])[0].batches).toBe(10)
  })

  it('thins evenly, keeping the first and the last point', () => {
    const items = Array.from({ length: 10_001 }, (_, i) => i)
    const kept = thinEvenly(items, 3000)
    expect(kept).toHaveLength(3000)
    expect(kept[0]).toBe(0)
    expect(kept.at(-1)).toBe(10_000)
    const gaps = kept.slice(1).map((x, i) => x - kept[i])
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1)
    expect(thinEvenly([1, 2], 3000)).toEqual([1, 2])
  })
})
