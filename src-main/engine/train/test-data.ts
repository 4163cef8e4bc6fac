/**
 * Test helpers: a tiny learnable image set (class k is a bright bar at a place of its own, plus
 * seeded noise), so training tests run in a fraction of a second on the cpu backend.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { architectureSchema, type Architecture } from '@common/schemas'
import type { ImageSet } from './batches'
import type { TrainingData } from './loop'
import { Rng } from './rng'

/** A small network that learns the bars in a few epochs. */
export const TINY_ARCHITECTURE: Architecture = architectureSchema.parse({
  convBlocks: [{ filters: 4, kernelSize: 3, pooling: 'max' }],
  denseLayers: [{ units: 16, dropout: 0.25 }],
})

/** `count` images of rows x cols with a bar of class (i % 10). */
export function barImages(count: number, rows = 12, cols = 12, seed = 1): ImageSet {
  const rng = new Rng(seed)
  const images = new Uint8Array(count * rows * cols)
  const labels = new Uint8Array(count)
  for (let i = 0; i < count; i++) {
    const label = i % 10
    labels[i] = label
    const vertical = label >= 5
    const line = 1 + (label % 5) * 2
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const onBar = vertical ? c === line : r === line
        images[i * rows * cols + r * cols + c] = onBar ? 200 + rng.below(56) : rng.below(60)
      }
    }
  }
  return { images, labels, count }
}

/** Training, validation and test sets of bar images. */
export function barData(trainCount = 200, testCount = 100, rows = 12, cols = 12): TrainingData {
  return {
    rows,
    cols,
    channels: 1,
    numClasses: 10,
    train: barImages(trainCount, rows, cols, 1),
    validation: barImages(testCount, rows, cols, 3),
    test: barImages(testCount, rows, cols, 2),
  }
}

/** Colours of equal ITU-R 601-2 luma (about 76): grey images of them would all look alike. */
export const SAME_LUMA_COLOURS: [number, number, number][] = [
  [255, 0, 0],
  [0, 130, 0],
  [0, 80, 255],
]

/**
 * `count` RGB images of rows x cols (interleaved) with a 3x3 patch of class (i % 3)'s colour at a
 * seeded place on a dark noisy ground: the class shows only in the colour, not in its brightness.
 */
export function colourImages(count: number, rows = 12, cols = 12, seed = 1): ImageSet {
  const rng = new Rng(seed)
  const images = new Uint8Array(count * rows * cols * 3)
  const labels = new Uint8Array(count)
  for (let i = 0; i < count; i++) {
    const label = i % SAME_LUMA_COLOURS.length
    labels[i] = label
    const top = rng.below(rows - 2)
    const left = rng.below(cols - 2)
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const inPatch = r >= top && r < top + 3 && c >= left && c < left + 3
        const at = ((i * rows + r) * cols + c) * 3
        for (let ch = 0; ch < 3; ch++)
          images[at + ch] = inPatch ? SAME_LUMA_COLOURS[label][ch] : rng.below(40)
      }
    }
  }
  return { images, labels, count }
}

/** Training, validation and test sets of colour-patch images (3 classes, RGB). */
export function colourData(trainCount = 150, testCount = 60, rows = 12, cols = 12): TrainingData {
  return {
    rows,
    cols,
    channels: 3,
    numClasses: SAME_LUMA_COLOURS.length,
    train: colourImages(trainCount, rows, cols, 1),
    validation: colourImages(testCount, rows, cols, 3),
    test: colourImages(testCount, rows, cols, 2),
  }
}

/** Writes a folder of the four IDX files (MNIST's names) holding bar images; returns the folder. */
export async function writeBarDataset(
  folder: string,
  trainCount = 300,
  testCount = 100,
  size = 12,
): Promise<string> {
  await mkdir(folder, { recursive: true })
  const data = barData(trainCount, testCount, size, size)
  const files: [string, Uint8Array, number, number[]][] = [
    ['train-images-idx3-ubyte', data.train.images, 0x803, [trainCount, size, size]],
    ['train-labels-idx1-ubyte', data.train.labels, 0x801, [trainCount]],
    ['t10k-images-idx3-ubyte', data.test.images, 0x803, [testCount, size, size]],
    ['t10k-labels-idx1-ubyte', data.test.labels, 0x801, [testCount]],
  ]
  for (const [name, body, magic, dims] of files) {
    const header = Buffer.alloc(4 + 4 * dims.length)
    header.writeUInt32BE(magic, 0)
    dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i))
    await writeFile(join(folder, name), Buffer.concat([header, body]))
  }
  return folder
}
