import { describe, expect, it } from 'vitest'
import { inkBox, preprocessMnist, resizeImage, type GreyImage } from './preprocess'

/** A canvas-sized drawing: a thick stroke in the top-left corner, like a "7" drawn off-centre. */
function offCentreSeven(size = 280): GreyImage {
  const pixels = new Uint8Array(size * size)
  const ink = (x: number, y: number) => {
    for (let dy = -8; dy <= 8; dy++)
      for (let dx = -8; dx <= 8; dx++) {
        const px = Math.round(x + dx)
        const py = Math.round(y + dy)
        if (dx * dx + dy * dy <= 64 && px >= 0 && py >= 0 && px < size && py < size)
          pixels[py * size + px] = 255
      }
  }
  for (let x = 20; x <= 110; x++) ink(x, 20) // the bar
  for (let t = 0; t <= 1; t += 0.005) ink(110 - 60 * t, 20 + 130 * t) // the stem
  return { width: size, height: size, pixels }
}

function centreOfMass(pixels: Uint8Array, rows: number, cols: number) {
  let mass = 0
  let x = 0
  let y = 0
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const v = pixels[r * cols + c]
      mass += v
      x += (c + 0.5) * v
      y += (r + 0.5) * v
    }
  return { x: x / mass, y: y / mass }
}

describe('preprocessMnist', () => {
  it('centres an off-centre stroke by its mass and fits it in a 20x20 box, like MNIST', () => {
    const drawing = offCentreSeven()
    const before = centreOfMass(drawing.pixels, 280, 280)
    expect(before.x).toBeLessThan(100) // far from the canvas centre (140)
    const out = preprocessMnist(drawing)
    expect(out.length).toBe(28 * 28)
    const com = centreOfMass(out, 28, 28)
    expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.75)
    expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.75)
    const box = inkBox({ width: 28, height: 28, pixels: out })!
    expect(Math.max(box.width, box.height)).toBeGreaterThanOrEqual(19)
    expect(Math.max(box.width, box.height)).toBeLessThanOrEqual(20)
    // Kept its aspect: taller than wide, like the drawing (107 wide, 147 tall).
    expect(box.height).toBeGreaterThan(box.width)
    expect(Math.max(...out)).toBe(255)
    // Anti-aliased: there are grey levels at the stroke's edges.
    expect(out.some((v) => v > 0 && v < 200)).toBe(true)
  })

  it('leaves a blank drawing blank', () => {
    const out = preprocessMnist({ width: 50, height: 40, pixels: new Uint8Array(2000) })
    expect(out.every((v) => v === 0)).toBe(true)
  })

  it('fits other image sizes too (a 14x14 data set gets a 10 px box)', () => {
    const out = preprocessMnist(offCentreSeven(), 14, 14)
    const box = inkBox({ width: 14, height: 14, pixels: out })!
    expect(Math.max(box.width, box.height)).toBe(10)
  })
})

describe('resizeImage', () => {
  it('averages areas: a 56x56 half-inked image becomes a 28x28 half-inked one', () => {
    const pixels = new Uint8Array(56 * 56)
    for (let y = 0; y < 56; y++) for (let x = 0; x < 28; x++) pixels[y * 56 + x] = 255
    const out = resizeImage({ width: 56, height: 56, pixels })
    expect(out[0]).toBe(255)
    expect(out[13]).toBe(255)
    expect(out[14]).toBe(0)
    expect(out[27 * 28 + 27]).toBe(0)
  })
})
