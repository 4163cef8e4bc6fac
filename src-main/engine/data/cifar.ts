/**
 * The CIFAR-10 binary version (https://www.cs.toronto.edu/~kriz/cifar.html): `data_batch_1.bin`
 * to `data_batch_5.bin` and `test_batch.bin`, each a run of 3073-byte records (a label byte,
 * then 1024 red, 1024 green and 1024 blue bytes of a 32x32 image, rows top first), and
 * `batches.meta.txt` with the class names a line each. Read as found in the folder or in its
 * `cifar-10-batches-bin/` (the name the archive unpacks to).
 */
import { readFile, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { UserError } from '../errors'
import { unreadable, type DatasetSplit } from './idx-set'

export const CIFAR_SIDE = 32
const PIXELS = CIFAR_SIDE * CIFAR_SIDE
const RECORD_BYTES = 1 + 3 * PIXELS

/** The published class names, used when batches.meta.txt is missing. */
export const CIFAR10_CLASS_NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
]

export interface CifarFiles {
  folder: string
  /** data_batch_N.bin in order of N. */
  train: string[]
  test: string
  meta: string | null
}

/** The images of both parts, 32x32 RGB interleaved (HWC), and the class names. */
export interface CifarSet {
  classNames: string[]
  train: DatasetSplit
  test: DatasetSplit
}

/** The CIFAR-10 files of a folder (or of its cifar-10-batches-bin/), or null when it has none. */
export async function findCifarFiles(folder: string): Promise<CifarFiles | null> {
  for (const candidate of [folder, join(folder, 'cifar-10-batches-bin')]) {
    const train: string[] = []
    for (let n = 1; n <= 5; n++) {
      const path = join(candidate, `data_batch_${n}.bin`)
      if (await isFile(path)) train.push(path)
    }
    const test = join(candidate, 'test_batch.bin')
    const hasTest = await isFile(test)
    if (train.length === 0 && !hasTest) continue
    if (train.length === 0 || !hasTest) {
      const missing = train.length === 0 ? 'data_batch_1.bin' : 'test_batch.bin'
      throw new UserError(
        `The folder ${candidate} has CIFAR-10 files but no ${missing}; it needs data_batch_1.bin (to data_batch_5.bin) and test_batch.bin.`,
        'not_found',
        'dataset',
      )
    }
    const meta = join(candidate, 'batches.meta.txt')
    return { folder: candidate, train, test, meta: (await isFile(meta)) ? meta : null }
  }
  return null
}

/** Every file the set is read from, for its signature. */
export function cifarFileList(files: CifarFiles): string[] {
  return [...files.train, files.test, ...(files.meta ? [files.meta] : [])]
}

/** Reads and checks the batches; throws UserError naming the file at fault. */
export async function readCifar(files: CifarFiles): Promise<CifarSet> {
  const classNames = files.meta ? await readCifarClassNames(files.meta) : CIFAR10_CLASS_NAMES
  const trainParts = await Promise.all(files.train.map((path) => readBatch(path, classNames.length)))
  return {
    classNames,
    train: concatSplits(trainParts),
    test: await readBatch(files.test, classNames.length),
  }
}

/** The class names of batches.meta.txt, a line each; throws UserError when it names fewer than two. */
export async function readCifarClassNames(path: string): Promise<string[]> {
  const names = (await readData(path))
    .toString('utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
  if (names.length < 2) {
    throw new UserError(
      `${basename(path)} names ${names.length} class${names.length === 1 ? '' : 'es'}; it should hold one class name a line.`,
      'invalid',
      'dataset',
    )
  }
  return names
}

async function readBatch(path: string, classCount: number): Promise<DatasetSplit> {
  const bytes = await readData(path)
  const name = basename(path)
  if (bytes.length === 0 || bytes.length % RECORD_BYTES !== 0) {
    throw new UserError(
      `${name} has ${bytes.length} bytes, not a whole number of 3073-byte CIFAR-10 records (a label and a 32x32 RGB image).`,
      'invalid',
      'dataset',
    )
  }
  const count = bytes.length / RECORD_BYTES
  const images = new Uint8Array(count * PIXELS * 3)
  const labels = new Uint8Array(count)
  for (let i = 0; i < count; i++) {
    const record = i * RECORD_BYTES
    const label = bytes[record]
    if (label >= classCount) {
      throw new UserError(
        `${name} has label ${label} in record ${i}; there are ${classCount} classes (0 to ${classCount - 1}).`,
        'invalid',
        'dataset',
      )
    }
    labels[i] = label
    // Planes (all red, all green, all blue) to interleaved pixels.
    const out = i * PIXELS * 3
    for (let p = 0; p < PIXELS; p++) {
      images[out + p * 3] = bytes[record + 1 + p]
      images[out + p * 3 + 1] = bytes[record + 1 + PIXELS + p]
      images[out + p * 3 + 2] = bytes[record + 1 + 2 * PIXELS + p]
    }
  }
  return { images, labels, count }
}

function concatSplits(parts: DatasetSplit[]): DatasetSplit {
  const count = parts.reduce((sum, part) => sum + part.count, 0)
  const images = new Uint8Array(count * PIXELS * 3)
  const labels = new Uint8Array(count)
  let at = 0
  for (const part of parts) {
    images.set(part.images, at * PIXELS * 3)
    labels.set(part.labels, at)
    at += part.count
  }
  return { images, labels, count }
}

async function readData(path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (error) {
    throw unreadable(path, error)
  }
}

async function isFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null)
  return info?.isFile() ?? false
}
