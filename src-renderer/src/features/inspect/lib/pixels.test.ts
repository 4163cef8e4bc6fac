import { describe, expect, it } from 'vitest'
import { inkFromAlpha, inkFromPicture } from './pixels'

/** 3x3 RGBA of one colour with a differently coloured centre. */
function picture(background: number, centre: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(9 * 4)
  for (let i = 0; i < 9; i++) {
    const v = i === 4 ? centre : background
    rgba.set([v, v, v, 255], i * 4)
  }
  return rgba
}

describe('ink', () => {
  it('of a drawing is its alpha', () => {
    const rgba = new Uint8ClampedArray([10, 20, 30, 0, 10, 20, 30, 200])
    expect(Array.from(inkFromAlpha(rgba, 2, 1).pixels)).toEqual([0, 200])
  })

  it('of a dark digit on paper is inverted; of a light digit on black is kept', () => {
    expect(inkFromPicture(picture(250, 0), 3, 3).pixels[4]).toBe(255)
    // The paper's own level is no ink.
    expect(inkFromPicture(picture(250, 0), 3, 3).pixels[0]).toBe(0)
    expect(inkFromPicture(picture(0, 240), 3, 3).pixels[4]).toBe(240)
    expect(inkFromPicture(picture(20, 240), 3, 3).pixels[0]).toBe(0)
  })
})
