import { describe, expect, it } from 'vitest'
import type { BatchProgress, EpochMetrics } from '@common/contract'
import { MAX_BATCH_POINTS, RunSeries } from './run-series'

const batch = (epoch: number, batchNo: number, loss = 1): BatchProgress => ({
  runId: 'r',
  epoch,
  epochs: 3,
  batch: batchNo,
  batches: 10,
  loss,
  accuracy: 0.5,
  samplesPerSec: 100,
  elapsedMs: 0,
  etaMs: null,
})
const epoch = (n: number, valLoss = 0.2): EpochMetrics => ({
  type: 'epoch',
  epoch: n,
  trainLoss: 0.3,
  trainAccuracy: 0.9,
  valLoss,
  valAccuracy: 0.95,
  samplesPerSec: 100,
  elapsedMs: 0,
  time: '',
})

describe('RunSeries', () => {
  it('places batches on a fractional epoch axis and ignores repeats', () => {
    const series = new RunSeries()
    series.addBatch(batch(1, 5))
    series.addBatch(batch(1, 5))
    series.addBatch(batch(2, 2))
    expect(series.batchLoss.map((p) => p.x)).toEqual([0.5, 1.2])
  })

  it('drops points past a restart', () => {
    const series = new RunSeries()
    series.addBatch(batch(2, 5))
    series.addBatch(batch(2, 8))
    series.addBatch(batch(2, 1))
    expect(series.batchLoss.map((p) => p.x)).toEqual([1.1])
  })

  it('keeps one point per epoch, in order', () => {
    const series = new RunSeries()
    series.addEpoch(epoch(2))
    series.addEpoch(epoch(1))
    series.addEpoch(epoch(2, 0.1))
    expect(series.valLoss).toEqual([
      { x: 1, y: 0.2 },
      { x: 2, y: 0.1 },
    ])
    expect(series.epochList().map((e) => e.epoch)).toEqual([1, 2])
  })

  it('thins long per-batch curves but keeps the latest point', () => {
    const series = new RunSeries()
    const batches = 1000
    for (let e = 1; e <= 4; e++) {
      for (let b = 1; b <= batches; b++) series.addBatch({ ...batch(e, b), batches, epochs: 4 })
    }
    expect(series.batchLoss.length).toBeLessThanOrEqual(MAX_BATCH_POINTS)
    expect(series.batchLoss.at(-1)?.x).toBe(4)
  })

  it('merges stored batches without dropping newer live ones', () => {
    const series = new RunSeries()
    series.addBatch(batch(1, 2))
    series.addBatch(batch(1, 6))
    series.mergeBatches([batch(1, 1), batch(1, 2), batch(1, 7)])
    expect(series.batchLoss.map((p) => p.x)).toEqual([0.2, 0.6, 0.7])
    series.mergeBatches([])
    expect(series.batchLoss).toHaveLength(3)
  })
})
