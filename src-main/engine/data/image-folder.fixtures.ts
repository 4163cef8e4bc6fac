/**
 * Test fixtures: small folders of images made on the fly with sharp: classes of coloured shapes
 * (a red circle, a green square, a blue triangle...), in any of the formats the workbench reads,
 * a BMP written byte by byte, a truncated JPEG, and CIFAR-10 batch files.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'

/** A shape class: its name (the folder's), its colour and its outline. */
export interface ShapeClass {
  name: string
  color: [number, number, number]
  shape: 'circle' | 'square' | 'triangle'
}

export const SHAPE_CLASSES: ShapeClass[] = [
  { name: 'circle', color: [220, 40, 40], shape: 'circle' },
  { name: 'square', color: [40, 200, 60], shape: 'square' },
  { name: 'triangle', color: [50, 70, 230], shape: 'triangle' },
]

export type FixtureFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp'

/** The SVG of shape `n` of a class on a dark grey ground: placed and sized a little differently each time. */
export function shapeSvg(shape: ShapeClass, n: number, width: number, height: number): string {
  const side = Math.min(width, height)
  const r = side * (0.28 + 0.04 * (n % 3))
  const cx = width / 2 + ((n % 5) - 2) * side * 0.04
  const cy = height / 2 + (((n * 3) % 5) - 2) * side * 0.04
  const fill = `rgb(${shape.color.join(',')})`
  const body =
    shape.shape === 'circle'
      ? `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}"/>`
      : shape.shape === 'square'
        ? `<rect x="${cx - r}" y="${cy - r}" width="${2 * r}" height="${2 * r}" fill="${fill}"/>`
        : `<polygon points="${cx},${cy - r} ${cx + r},${cy + r} ${cx - r},${cy + r}" fill="${fill}"/>`
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="rgb(30,30,30)"/>${body}</svg>`
}

/** The image file of shape `n` of a class, in `format`. */
export async function shapeImage(
  shape: ShapeClass,
  n: number,
  format: FixtureFormat = 'png',
  width = 32,
  height = width,
): Promise<Buffer> {
  const image = sharp(Buffer.from(shapeSvg(shape, n, width, height))).removeAlpha()
  if (format === 'bmp') {
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true })
    return encodeBmp24(info.width, info.height, data)
  }
  return image.toFormat(format).toBuffer()
}

export interface ShapesFolderOptions {
  classes?: ShapeClass[]
  perClass?: number
  format?: FixtureFormat | ((n: number) => FixtureFormat)
  width?: number
  height?: number
  /** Under train/ (all but `testPerClass` of each class) and test/ instead of class folders at the top. */
  testPerClass?: number
}

/** Writes a folder of class subfolders of shapes into `root` (made if absent); returns `root`. */
export async function writeShapesFolder(root: string, options: ShapesFolderOptions = {}): Promise<string> {
  const { classes = SHAPE_CLASSES, perClass = 10, width = 32, height = width } = options
  for (const shape of classes) {
    for (let n = 0; n < perClass; n++) {
      const format = typeof options.format === 'function' ? options.format(n) : (options.format ?? 'png')
      const part =
        options.testPerClass === undefined ? '' : n < perClass - options.testPerClass ? 'train' : 'test'
      const folder = join(root, part, shape.name)
      await mkdir(folder, { recursive: true })
      const ending = format === 'jpeg' ? 'jpg' : format
      await writeFile(
        join(folder, `${shape.name}-${n}.${ending}`),
        await shapeImage(shape, n, format, width, height),
      )
    }
  }
  return root
}

/** A JPEG cut short in the middle of its picture, which a decoder refuses. */
export async function truncatedJpeg(): Promise<Buffer> {
  const jpeg = await shapeImage(SHAPE_CLASSES[0], 0, 'jpeg', 64)
  return jpeg.subarray(0, Math.floor(jpeg.length / 3))
}

/** A 24-bit bottom-up BMP of RGB pixels (rows padded to 4 bytes), as image editors save them. */
export function encodeBmp24(width: number, height: number, rgb: Uint8Array): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4
  const dataSize = stride * height
  const bytes = Buffer.alloc(54 + dataSize)
  bytes.write('BM', 0, 'latin1')
  bytes.writeUInt32LE(54 + dataSize, 2)
  bytes.writeUInt32LE(54, 10)
  bytes.writeUInt32LE(40, 14)
  bytes.writeInt32LE(width, 18)
  bytes.writeInt32LE(height, 22)
  bytes.writeUInt16LE(1, 26)
  bytes.writeUInt16LE(24, 28)
  bytes.writeUInt32LE(dataSize, 34)
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * stride
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3
      bytes[row + x * 3] = rgb[p + 2]
      bytes[row + x * 3 + 1] = rgb[p + 1]
      bytes[row + x * 3 + 2] = rgb[p]
    }
  }
  return bytes
}

/** CIFAR-10 records: image i of a batch has label `labels[i]` and every pixel (label * 20, i, 255 - i). */
export function cifarBatch(labels: number[]): Buffer {
  const bytes = Buffer.alloc(labels.length * 3073)
  labels.forEach((label, i) => {
    const record = i * 3073
    bytes[record] = label
    bytes.fill(label * 20, record + 1, record + 1025)
    bytes.fill(i, record + 1025, record + 2049)
    bytes.fill(255 - i, record + 2049, record + 3073)
  })
  return bytes
}

/** A CIFAR-10 folder with `batches` training batches of `labels`, a test batch, and class names. */
export async function writeCifarFolder(
  root: string,
  labels: number[],
  batches = 5,
  meta = true,
): Promise<string> {
  await mkdir(root, { recursive: true })
  for (let n = 1; n <= batches; n++) await writeFile(join(root, `data_batch_${n}.bin`), cifarBatch(labels))
  await writeFile(join(root, 'test_batch.bin'), cifarBatch(labels))
  if (meta) await writeFile(join(root, 'batches.meta.txt'), 'plane\ncar\nbird\n\n')
  return root
}
