import { describe, expect, it } from 'vitest'
import { NO_AUGMENTATION } from '@common/recipe'
import { allowsHorizontalFlip, drawTransform, warpImage, type ImageTransform } from './augment'

const IDENTITY: ImageTransform = { angle: 0, scale: 1, shiftX: 0, shiftY: 0, flip: false }

/** A 5x4 image whose every pixel differs: value = 10 * row + col + 1. */
const rows = 5
const cols = 4
const image = Uint8Array.from({ length: rows * cols }, (_, i) => 10 * Math.floor(i / cols) + (i % cols) + 1)
const at = (pixels: ArrayLike<number>, r: number, c: number) => pixels[r * cols + c]

function warp(transform: Partial<ImageTransform>): Float32Array {
  const out = new Float32Array(rows * cols)
  warpImage(image, 0, rows, cols, { ...IDENTITY, ...transform }, out, 0)
  return out
}

describe('augmentation warp', () => {
  it('leaves an image as it is under the identity, and applies gain and bias', () => {
    expect(Array.from(warp({}))).toEqual(Array.from(image))
    const scaled = new Float32Array(rows * cols + 3)
    warpImage(image, 0, rows, cols, IDENTITY, scaled, 3, 2, -1)
    expect(scaled[3]).toBe(1)
    expect(scaled.at(-1)).toBe(2 * 44 - 1)
  })

  it('mirrors left to right and shifts by whole pixels exactly, with background coming in', () => {
    const flipped = warp({ flip: true })
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) expect(at(flipped, r, c)).toBe(at(image, r, cols - 1 - c))
    const shifted = warp({ shiftX: 1, shiftY: 2 })
    expect(at(shifted, 2, 1)).toBe(at(image, 0, 0))
    expect(at(shifted, 4, 3)).toBe(at(image, 2, 2))
    expect(at(shifted, 1, 2)).toBe(0)
    expect(at(shifted, 3, 0)).toBe(0)
  })

  it('moves every channel of a colour image by the same transform, as each alone would move', () => {
    // Three channels: the grey image, it plus 100, and it reversed; interleaved as RGB.
    const planes = [image, image.map((v) => v + 100), image.map((v) => 255 - v)]
    const rgb = new Uint8Array(rows * cols * 3)
    for (let i = 0; i < rows * cols; i++) rgb.set([planes[0][i], planes[1][i], planes[2][i]], i * 3)
    for (const transform of [{ flip: true }, { angle: 0.3, scale: 1.2, shiftX: 0.7, shiftY: -1 }]) {
      const out = new Float32Array(rows * cols * 3)
      warpImage(rgb, 0, rows, cols, { ...IDENTITY, ...transform }, out, 0, 2, -1, 3)
      planes.forEach((plane, c) => {
        const alone = new Float32Array(rows * cols)
        warpImage(plane, 0, rows, cols, { ...IDENTITY, ...transform }, alone, 0, 2, -1)
        for (let i = 0; i < rows * cols; i++) expect(out[i * 3 + c]).toBeCloseTo(alone[i], 4)
      })
    }
  })

  it('rotates a square image a quarter turn about its centre', () => {
    const n = 3
    const square = Uint8Array.from({ length: n * n }, (_, i) => i + 1)
    const out = new Float32Array(n * n)
    warpImage(square, 0, n, n, { ...IDENTITY, angle: Math.PI / 2 }, out, 0)
    // The centre stays; the corners trade places around it (values round off float noise).
    expect(Math.round(out[4])).toBe(5)
    expect(new Set(Array.from(out, Math.round))).toEqual(new Set(square))
    expect(Array.from(out, Math.round)).not.toEqual(Array.from(square))
  })

  it('interpolates between pixels bilinearly', () => {
    const half = warp({ shiftX: 0.5 })
    expect(at(half, 1, 1)).toBeCloseTo((at(image, 1, 0) + at(image, 1, 1)) / 2, 5)
    expect(at(half, 1, 0)).toBeCloseTo(at(image, 1, 0) / 2, 5)
  })

  it('zooming in by 2 spreads the centre over the image', () => {
    const n = 4
    const square = Uint8Array.from({ length: n * n }, (_, i) => i)
    const out = new Float32Array(n * n)
    warpImage(square, 0, n, n, { ...IDENTITY, scale: 2 }, out, 0)
    // Output corner (0, 0) samples the source at (0.75, 0.75): the inner pixels' blend.
    expect(out[0]).toBeCloseTo(0.25 * 0 + 0.75 * 0.75 * 5 + 0.25 * 0.75 * (1 + 4), 4)
  })
})

describe('augmentation draws', () => {
  const augmentation = { rotation: 15, zoom: 0.1, shift: 0.1, horizontalFlip: true }

  it('stay within the settings and depend only on the seed and the position', () => {
    const draws = Array.from({ length: 200 }, (_, i) => drawTransform(augmentation, 7, i, 28, 28))
    for (const t of draws) {
      expect(Math.abs(t.angle)).toBeLessThanOrEqual((15 * Math.PI) / 180)
      expect(Math.abs(t.scale - 1)).toBeLessThanOrEqual(0.1)
      expect(Math.abs(t.shiftX)).toBeLessThanOrEqual(2.8)
      expect(Math.abs(t.shiftY)).toBeLessThanOrEqual(2.8)
    }
    const flips = draws.filter((t) => t.flip).length
    expect(flips).toBeGreaterThan(60)
    expect(flips).toBeLessThan(140)
    expect(drawTransform(augmentation, 7, 5, 28, 28)).toEqual(draws[5])
    expect(drawTransform(augmentation, 8, 5, 28, 28)).not.toEqual(draws[5])
  })

  it('are the identity without augmentation', () => {
    const t = drawTransform(NO_AUGMENTATION, 3, 1, 28, 28)
    expect([t.angle, t.scale, t.shiftX, t.shiftY, t.flip].map((v) => (v === 0 ? 0 : v))).toEqual([
      0,
      1,
      0,
      0,
      false,
    ])
  })

  it('flip only where the data set allows it', () => {
    expect(allowsHorizontalFlip({ kind: 'mnist' })).toBe(false)
    expect(allowsHorizontalFlip({ kind: 'fashion-mnist' })).toBe(true)
    expect(allowsHorizontalFlip({ kind: 'folder', path: '/x' })).toBe(false)
    expect(allowsHorizontalFlip({ kind: 'folder', path: '/x' }, 'idx')).toBe(false)
    expect(allowsHorizontalFlip({ kind: 'folder', path: '/x' }, 'images')).toBe(true)
    expect(allowsHorizontalFlip({ kind: 'folder', path: '/x' }, 'cifar-10')).toBe(true)
  })
})
