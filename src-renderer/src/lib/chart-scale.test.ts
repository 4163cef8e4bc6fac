import { describe, expect, it } from 'vitest'
import { quantile, robustRange, smooth } from './chart-scale'

const curve = (...ys: number[]) => ys.map((y, x) => ({ x, y }))

describe('smooth', () => {
  it('is an exponential moving average that starts at the first value, as TensorBoard smooths', () => {
    const ys = smooth(curve(1, 3, 3), 0.5).map((p) => p.y)
    // average 0.5, 1.75, 2.375; debiased by 1 - 0.5^n: 1, 2.333, 2.714
    expect(ys[0]).toBeCloseTo(1)
    expect(ys[1]).toBeCloseTo(1.75 / 0.75)
    expect(ys[2]).toBeCloseTo(2.375 / 0.875)
  })

  it('leaves the curve as it is at 0 and passes a value that is not finite through', () => {
    expect(smooth(curve(2, 1, 4), 0).map((p) => p.y)).toEqual([2, 1, 4])
    const ys = smooth(curve(2, Number.NaN, 2), 0.9).map((p) => p.y)
    expect(ys[1]).toBeNaN()
    expect(ys[2]).toBeCloseTo(2)
  })
})

describe('quantile', () => {
  it('interpolates between the sorted values', () => {
    expect(quantile([0, 10], 0.05)).toBeCloseTo(0.5)
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3)
  })
})

describe('robustRange', () => {
  it('keeps a diverged run from squashing the others: its loss of 2e10 runs off the scale', () => {
    const good = curve(0.4, 0.2, 0.1, 0.08)
    const fine = curve(0.6, 0.3, 0.2, 0.15)
    const diverged = curve(2.3, 1e6, 2.1e10, 2.1e10)
    const range = robustRange([good, fine, diverged], 'loss')!
    expect(range.max).toBeLessThan(1)
    expect(range.max).toBeGreaterThan(0.55)
  })

  it('keeps a run at chance level (loss 2.3) beside a good one on the scale: it is no outlier', () => {
    const range = robustRange([curve(0.3, 0.1, 0.05), curve(2.31, 2.3, 2.3)], 'loss')!
    expect(range.max).toBeGreaterThan(2.3)
  })

  it('lets the steep first batches of a curve run off the top, the rest of it shows', () => {
    const batches = curve(2.3, 1.2, ...Array.from({ length: 38 }, () => 0.1))
    const range = robustRange([batches], 'loss')!
    expect(range.max).toBeLessThan(1.2)
    expect(range.max).toBeGreaterThan(0.1)
  })

  it('leaves an accuracy at chance below the scale of runs at 98%', () => {
    const range = robustRange([curve(0.97, 0.98), curve(0.96, 0.985), curve(0.1, 0.1)], 'accuracy')!
    expect(range.min).toBeGreaterThan(0.9)
    expect(range.max).toBeGreaterThan(0.985)
  })

  it('has nothing to scale to without a finite value', () => {
    expect(robustRange([curve(Number.NaN)], 'loss')).toBeNull()
    expect(robustRange([], 'accuracy')).toBeNull()
  })
})
