import { describe, expect, it } from 'vitest'
import { epochs, runRecord } from '../../../lib/run-record.fixtures'
import { cleanMetrics, uniqueLabels, withLiveSummary } from './compare-runs'

describe('compared runs', () => {
  it('makes names unique', () => {
    expect(
      uniqueLabels([
        { id: '20251126-100000-aaaa', name: 'quick' },
        { id: '20251126-100500-bbbb', name: 'quick' },
        { id: '3', name: 'other' },
      ]),
    ).toEqual(['quick (0-aaaa)', 'quick (0-bbbb)', 'other'])
  })

  it('keeps one line per epoch, the later one', () => {
    const [one, two] = epochs([0.5, 0.6])
    const again = { ...two, valAccuracy: 0.7 }
    expect(cleanMetrics([two, one, again]).map((m) => m.valAccuracy)).toEqual([0.5, 0.7])
  })

  it('brings a running run summary up to date from its epochs', () => {
    const metrics = epochs([0.5, 0.8, 0.7])
    const record = { ...runRecord('1', 'a', {}, metrics.slice(0, 1)), status: 'running' as const }
    const live = withLiveSummary(record, metrics)
    expect(live.summary).toMatchObject({ epochs: 3, bestValAccuracy: 0.8, bestEpoch: 2, valAccuracy: 0.7 })
    const done = runRecord('2', 'b', {}, metrics)
    expect(withLiveSummary(done, metrics)).toBe(done)
  })
})
