import { describe, expect, it } from 'vitest'
import { normalizePixels } from './normalize'

describe('normalizePixels', () => {
  it('maps 0 to -1 and 255 to 1, like (x/255 - 0.5) / 0.5', () => {
    const out = normalizePixels(Uint8Array.from([0, 255, 128, 51]))
    expect(out[0]).toBe(-1)
    expect(out[1]).toBe(1)
    expect(out[2]).toBeCloseTo((128 / 255 - 0.5) / 0.5, 6)
    expect(out[3]).toBeCloseTo(-0.6, 6)
  })

  it('writes into the array it is given', () => {
    const out = new Float32Array(4).fill(9)
    expect(normalizePixels(Uint8Array.from([255, 0]), out)).toBe(out)
    expect([...out]).toEqual([1, -1, 9, 9])
  })

  it('refuses an output too small', () => {
    expect(() => normalizePixels(new Uint8Array(3), new Float32Array(2))).toThrow(RangeError)
  })
})
