import { describe, expect, it } from 'vitest'
import { DIVERGING, VIRIDIS, paint, paintRgb, tableFromStops } from './colormap'
import { base64ToBytes, bytesToBase64, channelRange } from './tensors'

describe('colour tables', () => {
  it('run from the first stop to the last, and viridis gets lighter all the way', () => {
    expect(Array.from(VIRIDIS.slice(0, 3))).toEqual([0x44, 0x01, 0x54])
    expect(Array.from(VIRIDIS.slice(255 * 3))).toEqual([0xfd, 0xe7, 0x25])
    const luma = (i: number) =>
      0.2126 * VIRIDIS[i * 3] + 0.7152 * VIRIDIS[i * 3 + 1] + 0.0722 * VIRIDIS[i * 3 + 2]
    for (let i = 8; i < 256; i += 8) expect(luma(i)).toBeGreaterThan(luma(i - 8))
    // The diverging table is neutral in the middle.
    const mid = Array.from(DIVERGING.slice(127 * 3, 128 * 3))
    expect(Math.max(...mid) - Math.min(...mid)).toBeLessThan(12)
  })

  it('interpolates between stops', () => {
    const grey = tableFromStops(['#000000', '#ffffff'])
    expect(grey[128 * 3]).toBe(128)
  })
})

describe('paint', () => {
  it('maps a channel of an HWC tensor onto the table by its range', () => {
    // 2x1 pixels, 2 channels: channel 1 holds 0 and 10.
    const values = new Float32Array([5, 0, 5, 10])
    const out = new Uint8ClampedArray(2 * 4)
    const grey = tableFromStops(['#000000', '#ffffff'])
    paint(values, 2, 1, 0, 10, grey, out, 2, 1)
    expect(Array.from(out)).toEqual([0, 0, 0, 255, 255, 255, 255, 255])
    expect(channelRange(values, 2, 1)).toEqual([0, 10])
    // A flat map paints the lowest colour, never NaN.
    paint(new Float32Array([3, 3]), 2, 1, 3, 3, grey, out)
    expect(out[0]).toBe(0)
  })
})

describe('paintRgb', () => {
  it('paints an HWC colour input, and a filter of a [kh, kw, 3, filters] kernel, as red, green and blue', () => {
    // A 2x1 input in [-1, 1]: a red pixel, then a blue one.
    const input = new Float32Array([1, -1, -1, -1, -1, 1])
    const out = new Uint8ClampedArray(2 * 4)
    paintRgb(input, 2, 1, -1, 1, out)
    expect(Array.from(out)).toEqual([255, 0, 0, 255, 0, 0, 255, 255])
    // A 1x1 kernel of 3 input channels and 2 filters: filter 1 weighs green only.
    const kernel = new Float32Array([0, -2, 0, 2, 0, -2])
    paintRgb(kernel, 1, 1, -2, 2, out, 6, 1, 2)
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 255, 0, 255])
  })
})

describe('base64', () => {
  it('round-trips bytes, including long arrays', () => {
    const bytes = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7) & 255)
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes)
  })
})
