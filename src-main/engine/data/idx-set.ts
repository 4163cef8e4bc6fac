/**
 * The four IDX files of a data set read together: each parsed, then checked against the others
 * (images and labels of a split agree in count, train and test images agree in size).
 */
import { open, readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { UserError } from '../errors'
import { IDX_ROLES, type IdxFiles } from './catalog'
import {
  decodeIdxBytes,
  decodeIdxPrefix,
  parseIdxImages,
  parseIdxLabels,
  parseImagesHeader,
  parseLabelsHeader,
  type IdxImagesHeader,
} from './idx'

export interface DatasetSplit {
  /** `count` images of rows x cols bytes, row-major (in MNIST 0 is background, 255 is ink). */
  images: Uint8Array
  /** One class 0..9 per image. */
  labels: Uint8Array
  count: number
}

export interface IdxSet {
  rows: number
  cols: number
  train: DatasetSplit
  test: DatasetSplit
}

/** What a listing needs to know, read from the headers only. */
export interface IdxSetSummary {
  rows: number
  cols: number
  trainCount: number
  testCount: number
}

/** Checks the raw bytes of the files (before decompression), e.g. against checksums. */
export type IdxBytesCheck = (files: IdxFiles, bytes: IdxFiles<Uint8Array>) => Promise<void>

/** Enough bytes for any header even when gzipped. */
const PEEK_BYTES = 4096

/** Reads, checks and parses the four files; throws UserError naming the file at fault. */
export async function loadIdxSet(files: IdxFiles, check?: IdxBytesCheck): Promise<IdxSet> {
  const raw = await readAll(files, (path) => readIdxFile(path))
  if (check) await check(files, raw)
  const decoded = await readAll(files, (path, role) => decodeIdxBytes(raw[role], basename(path)))
  const trainImages = parseIdxImages(decoded.trainImages, basename(files.trainImages))
  const trainLabels = parseIdxLabels(decoded.trainLabels, basename(files.trainLabels))
  const testImages = parseIdxImages(decoded.testImages, basename(files.testImages))
  const testLabels = parseIdxLabels(decoded.testLabels, basename(files.testLabels))
  requireSameCount('training', trainImages.count, trainLabels.count, files.trainImages, files.trainLabels)
  requireSameCount('test', testImages.count, testLabels.count, files.testImages, files.testLabels)
  requireSameSize(trainImages, testImages, files)
  return {
    rows: trainImages.rows,
    cols: trainImages.cols,
    train: { images: trainImages.pixels, labels: trainLabels.labels, count: trainImages.count },
    test: { images: testImages.pixels, labels: testLabels.labels, count: testImages.count },
  }
}

/**
 * Counts and image size from the four headers, with the same cross-checks as `loadIdxSet`;
 * a truncated file or a bad label is only found by loading.
 */
export async function summarizeIdxSet(files: IdxFiles): Promise<IdxSetSummary> {
  const prefix = await readAll(files, async (path) =>
    decodeIdxPrefix(await readIdxPrefix(path), basename(path)),
  )
  const trainImages = parseImagesHeader(prefix.trainImages, basename(files.trainImages))
  const testImages = parseImagesHeader(prefix.testImages, basename(files.testImages))
  const trainLabels = parseLabelsHeader(prefix.trainLabels, basename(files.trainLabels))
  const testLabels = parseLabelsHeader(prefix.testLabels, basename(files.testLabels))
  requireSameCount('training', trainImages.count, trainLabels, files.trainImages, files.trainLabels)
  requireSameCount('test', testImages.count, testLabels, files.testImages, files.testLabels)
  requireSameSize(trainImages, testImages, files)
  return {
    rows: trainImages.rows,
    cols: trainImages.cols,
    trainCount: trainImages.count,
    testCount: testImages.count,
  }
}

async function readAll<T>(files: IdxFiles, read: (path: string, role: keyof IdxFiles) => Promise<T>) {
  const values = await Promise.all(IDX_ROLES.map((role) => read(files[role], role)))
  return Object.fromEntries(IDX_ROLES.map((role, i) => [role, values[i]])) as IdxFiles<T>
}

async function readIdxFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path)
  } catch (error) {
    throw unreadable(path, error)
  }
}

async function readIdxPrefix(path: string): Promise<Uint8Array> {
  let handle
  try {
    handle = await open(path, 'r')
    const buffer = Buffer.alloc(PEEK_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, PEEK_BYTES, 0)
    return buffer.subarray(0, bytesRead)
  } catch (error) {
    throw unreadable(path, error)
  } finally {
    await handle?.close()
  }
}

/** The sentence for a data file that cannot be read (absent, forbidden, a folder). */
export function unreadable(path: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new UserError(`${path} does not exist.`, 'not_found', 'dataset')
  if (code === 'EACCES' || code === 'EPERM') {
    return new UserError(`${path} cannot be read: permission denied.`, 'unavailable', 'dataset')
  }
  if (code === 'EISDIR') return new UserError(`${path} is a folder, not a file.`, 'invalid', 'dataset')
  return new UserError(`${path} cannot be read (${code ?? String(error)}).`, 'unavailable', 'dataset')
}

function requireSameCount(
  split: string,
  images: number,
  labels: number,
  imageFile: string,
  labelFile: string,
) {
  if (images !== labels) {
    throw new UserError(
      `The ${split} set has ${images} images in ${basename(imageFile)} but ${labels} labels in ${basename(labelFile)}.`,
      'invalid',
      'dataset',
    )
  }
}

function requireSameSize(train: IdxImagesHeader, test: IdxImagesHeader, files: IdxFiles) {
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new UserError(
      `The training images are ${train.rows}x${train.cols} pixels (${basename(files.trainImages)}) but the test images are ${test.rows}x${test.cols} (${basename(files.testImages)}); both must be the same size.`,
      'invalid',
      'dataset',
    )
  }
}
