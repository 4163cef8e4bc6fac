import { describe, expect, it } from 'vitest'
import { Rng } from './rng'

describe('Rng', () => {
  it('repeats its sequence for a seed and continues exactly from a saved state', () => {
    const a = new Rng(42)
    const b = new Rng(42)
    const first = Array.from({ length: 5 }, () => a.nextUint32())
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(first)
    const resumed = new Rng(a.state)
    expect(Array.from({ length: 5 }, () => resumed.nextUint32())).toEqual(
      Array.from({ length: 5 }, () => a.nextUint32()),
    )
    expect(new Rng(43).nextUint32()).not.toBe(first[0])
  })

  it('shuffles into a permutation', () => {
    const order = new Rng(1).shuffle(Int32Array.from({ length: 1000 }, (_, i) => i))
    expect(Array.from(order).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(Array.from(order.subarray(0, 10))).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('draws floats in [0, 1)', () => {
    const rng = new Rng(9)
    for (let i = 0; i < 1000; i++) {
      const x = rng.next()
      expect(x).toBeGreaterThanOrEqual(0)
      expect(x).toBeLessThan(1)
    }
  })
})
