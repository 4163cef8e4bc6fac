/**
 * Turning a drawing or an image file into what the network was trained on. MNIST's digits were
 * made this way (LeCun et al.): the ink's bounding box scaled, keeping its aspect, so that its
 * longer side is 20 px, with anti-aliasing (grey levels), then placed in the 28x28 field so that
 * the centre of mass of the ink is at the centre of the field. A digit drawn in a corner of a
 * large canvas, or small, therefore looks to the network like the digits it learned.
 */

/** A grey image, row-major, 0 = background, 255 = ink. */
export interface GreyImage {
  width: number
  height: number
  pixels: Uint8Array
}

/** Pixels fainter than this share of the brightest are not ink when finding the bounding box. */
const INK_THRESHOLD = 0.1

/** MNIST-style: crop to the ink, scale its longer side to 20/28 of the field, centre by mass. */
export function preprocessMnist(image: GreyImage, rows = 28, cols = 28): Uint8Array {
  const { width, pixels } = image
  const out = new Uint8Array(rows * cols)
  const box = inkBox(image)
  if (!box) return out
  const boxSide = Math.max(1, Math.round((20 / 28) * Math.min(rows, cols)))
  const scale = boxSide / Math.max(box.width, box.height)
  const outWidth = Math.max(1, Math.min(cols, Math.round(box.width * scale)))
  const outHeight = Math.max(1, Math.min(rows, Math.round(box.height * scale)))
  const digit = resampleArea(pixels, width, box, outWidth, outHeight)

  let peak = 0
  for (const v of digit) peak = Math.max(peak, v)
  if (peak <= 0) return out
  // Thin strokes lose intensity when shrunk; MNIST's strokes reach full ink, so stretch to 255.
  const gain = 255 / peak
  let mass = 0
  let sumX = 0
  let sumY = 0
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const v = digit[y * outWidth + x]
      mass += v
      sumX += (x + 0.5) * v
      sumY += (y + 0.5) * v
    }
  }
  const offsetX = Math.round(cols / 2 - sumX / mass)
  const offsetY = Math.round(rows / 2 - sumY / mass)
  for (let y = 0; y < outHeight; y++) {
    const ty = y + offsetY
    if (ty < 0 || ty >= rows) continue
    for (let x = 0; x < outWidth; x++) {
      const tx = x + offsetX
      if (tx < 0 || tx >= cols) continue
      out[ty * cols + tx] = Math.min(255, Math.round(digit[y * outWidth + x] * gain))
    }
  }
  return out
}

/** Only resizes the whole image to rows x cols (area-averaged), for images already framed. */
export function resizeImage(image: GreyImage, rows = 28, cols = 28): Uint8Array {
  const full = { x: 0, y: 0, width: image.width, height: image.height }
  const resized = resampleArea(image.pixels, image.width, full, cols, rows)
  return Uint8Array.from(resized, (v) => Math.min(255, Math.round(v)))
}

interface Box {
  x: number
  y: number
  width: number
  height: number
}

/** The bounding box of the ink, or null when the image is blank. */
export function inkBox({ width, height, pixels }: GreyImage): Box | null {
  let peak = 0
  for (const v of pixels) peak = Math.max(peak, v)
  if (peak === 0) return null
  const threshold = Math.max(1, peak * INK_THRESHOLD)
  let x0 = width
  let y0 = height
  let x1 = -1
  let y1 = -1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x] < threshold) continue
      if (x < x0) x0 = x
      if (x > x1) x1 = x
      if (y < y0) y0 = y
      if (y > y1) y1 = y
    }
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }
}

/**
 * Resamples the `box` of a grey image (`width` pixels a row) to outWidth x outHeight by area averaging (each output
 * pixel is the mean of the source area it covers), separably: rows first, then columns.
 */
export function resampleArea(
  pixels: Uint8Array,
  width: number,
  box: Box,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const across = areaWeights(box.x, box.width, outWidth)
  const down = areaWeights(box.y, box.height, outHeight)
  const horizontal = new Float32Array(box.height * outWidth)
  for (let y = 0; y < box.height; y++) {
    const row = (box.y + y) * width
    for (let x = 0; x < outWidth; x++) {
      let sum = 0
      for (const [source, weight] of across[x]) sum += pixels[row + source] * weight
      horizontal[y * outWidth + x] = sum
    }
  }
  const out = new Float32Array(outWidth * outHeight)
  for (let y = 0; y < outHeight; y++) {
    for (const [source, weight] of down[y]) {
      const row = (source - box.y) * outWidth
      for (let x = 0; x < outWidth; x++) out[y * outWidth + x] += horizontal[row + x] * weight
    }
  }
  return out
}

/** For each of `outLength` cells, the source pixels it covers and their weights (summing to 1). */
function areaWeights(start: number, length: number, outLength: number): [number, number][][] {
  const step = length / outLength
  const cells: [number, number][][] = []
  for (let i = 0; i < outLength; i++) {
    const from = start + i * step
    const to = from + step
    const weights: [number, number][] = []
    for (let p = Math.floor(from); p < Math.ceil(to); p++) {
      const overlap = Math.min(to, p + 1) - Math.max(from, p)
      if (overlap > 1e-9) weights.push([p, overlap / step])
    }
    cells.push(weights)
  }
  return cells
}
