import { describe, expect, it } from 'vitest'
import { epochs } from '../../../lib/run-record.fixtures'
import { accuracyGaps, compareHeadline, epochToReach, formatGap, niceThreshold } from './compare-summary'

describe('compare summary', () => {
  it('finds the first epoch at a validation accuracy', () => {
    const m = epochs([0.5, 0.8, 0.9, 0.85])
    expect(epochToReach(m, 0.8)?.epoch).toBe(2)
    expect(epochToReach(m, 0.95)).toBeNull()
  })

  it('measures the gap at every common epoch in points', () => {
    const gaps = accuracyGaps(epochs([0.9, 0.95, 0.96]), epochs([0.7, 0.85]))
    expect(gaps.map((g) => g.epoch)).toEqual([1, 2])
    expect(gaps[1].gap).toBeCloseTo(10)
  })

  it('rounds thresholds down to whole percents, tenths near the top', () => {
    expect(niceThreshold(0.9748)).toBe(0.97)
    expect(niceThreshold(0.9936)).toBe(0.993)
    expect(niceThreshold(0.97)).toBe(0.97)
    expect(formatGap(1.234)).toBe('+1.2 points')
    expect(formatGap(-0.44)).toBe('−0.4 points')
    expect(formatGap(1)).toBe('+1.0 point')
  })

  it('says which run learned faster and by how much', () => {
    const headline = compareHeadline([
      { id: 'b', label: 'lr 1e-4', metrics: epochs([0.91, 0.94, 0.96, 0.97, 0.975]) },
      { id: 'a', label: 'lr 1e-3', metrics: epochs([0.972, 0.98, 0.983, 0.985, 0.987]) },
    ])
    expect(headline?.text).toBe(
      'lr 1e-3 reached 97% validation accuracy at epoch 1, 3 epochs before lr 1e-4; final gap +1.2 points (98.7% vs 97.5%).',
    )
    expect(headline?.leaderId).toBe('a')
    expect(headline?.segments[0]).toEqual({ text: 'lr 1e-3', runId: 'a' })
    expect(headline?.standings.map((s) => [s.id, s.reachEpoch])).toEqual([
      ['a', 1],
      ['b', 4],
    ])
    expect(headline?.standings[1].gapToLeader).toBeCloseTo(-1.2)
  })

  it('says when both got there together, and when the slower one ended higher', () => {
    expect(
      compareHeadline([
        { id: 'a', label: 'A', metrics: epochs([0.8, 0.9]) },
        { id: 'b', label: 'B', metrics: epochs([0.82, 0.88]) },
      ])?.text,
    ).toBe('A and B both reached 88% validation accuracy at epoch 2; final gap +2.0 points (90.0% vs 88.0%).')
    expect(
      compareHeadline([
        { id: 'a', label: 'A', metrics: epochs([0.6, 0.93]) },
        { id: 'b', label: 'B', metrics: epochs([0.91, 0.915]) },
      ])?.text,
    ).toBe(
      'B reached 91% validation accuracy first, at epoch 1, 1 epoch before A; final gap +1.5 points for A (93.0% vs 91.5%).',
    )
  })

  it('names the last common epoch when the runs ran for different lengths', () => {
    const text = compareHeadline([
      { id: 'a', label: 'A', metrics: epochs([0.9, 0.95, 0.96]) },
      { id: 'b', label: 'B', metrics: epochs([0.7, 0.85]) },
    ])?.text
    expect(text).toBe(
      'A reached 85% validation accuracy at epoch 1, 1 epoch before B; gap at epoch 2 +10.0 points (95.0% vs 85.0%).',
    )
  })

  it('waits for two runs with an epoch', () => {
    expect(compareHeadline([{ id: 'a', label: 'A', metrics: epochs([0.9]) }])).toBeNull()
    const h = compareHeadline([
      { id: 'a', label: 'A', metrics: epochs([0.9]) },
      { id: 'b', label: 'B', metrics: epochs([0.8]) },
      { id: 'c', label: 'C', metrics: [] },
    ])
    expect(h?.pending).toEqual(['c'])
  })
})
