import { describe, expect, it } from 'vitest'
import { imageRgba } from './images'

describe('imageRgba', () => {
  it('spreads grey over the three colours and keeps RGB as it is, each image at its own offset', () => {
    const grey = Uint8Array.from([1, 2, 3, 4, 50, 60, 70, 80])
    expect(Array.from(imageRgba(grey, 1, 2, 2, 1).subarray(0, 8))).toEqual([50, 50, 50, 255, 60, 60, 60, 255])
    const rgb = Uint8Array.from([9, 9, 9, 9, 9, 9, 255, 0, 10, 0, 128, 255])
    expect(Array.from(imageRgba(rgb, 1, 1, 2, 3))).toEqual([255, 0, 10, 255, 0, 128, 255, 255])
  })
})
