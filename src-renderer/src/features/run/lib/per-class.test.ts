import { describe, expect, it } from 'vitest'
import type { EpochMetrics } from '@common/contract'
import { epochs } from '../../../lib/run-record.fixtures'
import { perClassSeries } from './per-class'

describe('perClassSeries', () => {
  it('turns counts into each class’s curve, skips epochs without them, and floors the shared scale', () => {
    const [old, first, second] = epochs([0.5, 0.6, 0.7])
    const withCounts = (m: EpochMetrics, correct: number[], total: number[]): EpochMetrics => ({
      ...m,
      valPerClass: { correct, total },
    })
    const series = perClassSeries(
      [old, withCounts(first, [9, 3, 0], [10, 4, 0]), withCounts(second, [10, 2, 5], [10, 4, 6])],
      ['zero', 'one'],
    )!
    // The third class has no name (an older record): its digit; no images at epoch 2, no point there.
    expect(series.classes.map((c) => c.name)).toEqual(['zero', 'one', '2'])
    expect(series.classes.map((c) => c.points)).toEqual([
      [
        { x: 2, y: 0.9 },
        { x: 3, y: 1 },
      ],
      [
        { x: 2, y: 0.75 },
        { x: 3, y: 0.5 },
      ],
      [{ x: 3, y: 5 / 6 }],
    ])
    expect(series.worst).toBe(1)
    expect(series.classes[1].latest).toEqual({ epoch: 3, correct: 2, total: 4, accuracy: 0.5 })
    // Lowest 50%: more than 30 points below the top, so the floor is on a tenth.
    expect(series.floor).toBeCloseTo(0.5, 9)
    expect(series.lastEpoch).toBe(3)
    expect(perClassSeries([old], ['zero'])).toBeNull()
  })
})
