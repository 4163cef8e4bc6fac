/**
 * Test helpers: tiny, valid IDX files made on the fly, so tests of broken files can break one
 * thing at a time.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { IDX_FILE_NAMES, IDX_ROLES, type IdxFiles } from './catalog'
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from './idx'

/** An IDX image file of `count` images whose pixel p of image i is (i * 7 + p) % 256. */
export function idxImageBytes(count: number, rows = 28, cols = 28, magic = IDX_IMAGES_MAGIC): Buffer {
  const bytes = Buffer.alloc(16 + count * rows * cols)
  bytes.writeUInt32BE(magic, 0)
  bytes.writeUInt32BE(count, 4)
  bytes.writeUInt32BE(rows, 8)
  bytes.writeUInt32BE(cols, 12)
  for (let i = 0; i < count * rows * cols; i++) bytes[16 + i] = (Math.floor(i / (rows * cols)) * 7 + i) % 256
  return bytes
}

/** An IDX label file holding exactly these labels. */
export function idxLabelBytes(labels: number[], magic = IDX_LABELS_MAGIC): Buffer {
  const bytes = Buffer.alloc(8 + labels.length)
  bytes.writeUInt32BE(magic, 0)
  bytes.writeUInt32BE(labels.length, 4)
  labels.forEach((label, i) => (bytes[8 + i] = label))
  return bytes
}

/** Labels 0, 1, ... 9, 0, 1, ... */
export function cyclingLabels(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i % 10)
}

export interface FixtureSet {
  trainCount?: number
  testCount?: number
  rows?: number
  cols?: number
}

/** The four files' contents (uncompressed) of a small valid set. */
export function idxSetBytes(options: FixtureSet = {}): IdxFiles<Buffer> {
  const { trainCount = 30, testCount = 20, rows = 28, cols = 28 } = options
  return {
    trainImages: idxImageBytes(trainCount, rows, cols),
    trainLabels: idxLabelBytes(cyclingLabels(trainCount)),
    testImages: idxImageBytes(testCount, rows, cols),
    testLabels: idxLabelBytes(cyclingLabels(testCount)),
  }
}

/** A fresh temporary folder. */
export function tempFolder(prefix = 'cnn-data-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

/**
 * Writes a set into `folder` under MNIST's names (gzipped with `.gz` when asked), with
 * `replace` swapping in other contents for some files; returns the paths.
 */
export async function writeIdxSet(
  folder: string,
  options: FixtureSet & { gzip?: boolean; replace?: Partial<IdxFiles<Buffer>> } = {},
): Promise<IdxFiles> {
  const contents = { ...idxSetBytes(options), ...options.replace }
  const paths = {} as IdxFiles
  for (const role of IDX_ROLES) {
    paths[role] = join(folder, IDX_FILE_NAMES[role] + (options.gzip ? '.gz' : ''))
    await writeFile(paths[role], options.gzip ? gzipSync(contents[role]) : contents[role])
  }
  return paths
}
