import { describe, expect, it } from 'vitest'
import { correlation, parameterImportance, seededRandom } from './importance'

/** Trials where only `x` matters through `f`, `noise` is drawn but unused. */
function synthetic(seed: number, n: number, f: (x: number) => number) {
  const random = seededRandom(seed)
  const rows: number[][] = []
  const metric: number[] = []
  for (let i = 0; i < n; i++) {
    const x = random()
    const noise = random()
    rows.push([x, noise])
    metric.push(f(x) + (random() - 0.5) * 0.02)
  }
  return { rows, metric, names: ['x', 'noise'] }
}

describe('parameterImportance', () => {
  it('ranks the parameter that matters far above one that is noise, in every seed', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const [x, noise] = parameterImportance(
        synthetic(seed, 40, (v) => 3 * v),
        { seed },
      )
      expect(x.importance).toBeGreaterThan(0.8)
      expect(noise.importance).toBeLessThan(0.2)
      expect(x.correlation).toBeGreaterThan(0.95)
    }
  })

  it('finds a sweet spot in the middle that correlation misses', () => {
    const [x, noise] = parameterImportance(
      synthetic(3, 60, (v) => -((v - 0.5) ** 2) * 8),
      { seed: 3 },
    )
    expect(x.importance).toBeGreaterThan(0.7)
    expect(noise.importance).toBeLessThan(0.3)
    expect(Math.abs(x.correlation ?? 1)).toBeLessThan(0.3)
  })

  it('still ranks the parameters of a sweep of four trials', () => {
    const rows = [
      [0, 0.7],
      [0.33, 0.1],
      [0.67, 0.9],
      [1, 0.3],
    ]
    const [x, noise] = parameterImportance({ rows, metric: rows.map(([v]) => v), names: ['x', 'noise'] })
    expect(x.importance).toBeGreaterThan(noise.importance)
    expect(x.importance).toBeGreaterThan(0.6)
    // As a tiny sweep of the browser test had them: two trials pruned at the same value.
    const sweep = parameterImportance({
      rows: [
        [-2.06, 25],
        [-2.3, 25],
        [-3.8, 25],
        [-2.6, 50],
      ],
      metric: [0.767, 0.467, 0.467, 0.8],
      names: ['learningRate', 'batchSize'],
    })
    expect(sweep[0].importance + sweep[1].importance).toBeCloseTo(1, 10)
  })

  it('gives the same answer for the same seed and sums to one', () => {
    const data = synthetic(5, 20, (v) => v)
    const a = parameterImportance(data, { seed: 9 })
    expect(parameterImportance(data, { seed: 9 })).toEqual(a)
    expect(a[0].importance + a[1].importance).toBeCloseTo(1, 10)
  })

  it('says nothing from too few trials, and has no correlation for categories', () => {
    const few = parameterImportance({ rows: [[1], [2], [3]], metric: [1, 2, 3], names: ['lr'] })
    expect(few[0].importance).toBe(0)
    const cat = parameterImportance(
      { ...synthetic(2, 12, (v) => v), categorical: new Set(['noise']) },
      { seed: 2 },
    )
    expect(cat[1].correlation).toBeNull()
    expect(cat[0].correlation).not.toBeNull()
  })
})

describe('correlation', () => {
  it('is 1, -1, or null for a constant list', () => {
    expect(correlation([1, 2, 3], [2, 4, 6])).toBeCloseTo(1)
    expect(correlation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1)
    expect(correlation([1, 1, 1], [3, 2, 1])).toBeNull()
  })
})
