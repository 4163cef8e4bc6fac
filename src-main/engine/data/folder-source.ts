/**
 * A folder the user picked, recognised by what it holds: the four IDX files, the CIFAR-10
 * binary batches, or class subfolders of images (in that order). Each kind says what its
 * images are before any decoding (counts, classes, the input they make by default) and builds
 * the decoded set for an input. What needs decoding or resizing is kept in the data set cache
 * (`dataset-cache.ts`), keyed by the folder's signature; the user's folder is only ever read.
 */
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { createHash } from 'node:crypto'
import type { FolderFormat, ImageInput } from '@common/datasets'
import { INPUT_SIZE_LIMIT } from '@common/datasets'
import { UserError } from '../errors'
import { DIGIT_CLASS_NAMES, IDX_ROLES, type IdxFiles } from './catalog'
import {
  CIFAR10_CLASS_NAMES,
  CIFAR_SIDE,
  cifarFileList,
  findCifarFiles,
  readCifar,
  readCifarClassNames,
  type CifarFiles,
} from './cifar'
import { cacheFilePath, readCachedSet, writeCachedSet, type DecodedSet } from './dataset-cache'
import { fitPixels, readImageHeader } from './decode-image'
import { missingFilesMessage, scanIdxFolder } from './folder'
import { scanImageFolder, type ImageFolderScan } from './image-folder'
import { loadIdxSet, summarizeIdxSet, type DatasetSplit } from './idx-set'
import { decodeImageFolder, planParts, requireFits, runPool, type DecodeOptions } from './image-set'

/** A recognised folder, listed but not decoded. */
export interface FolderSource {
  format: FolderFormat
  folder: string
  /** Changes whenever a file the set is made of changes (path, size, modification time). */
  signature: string
  /** Classes and counts as the files say, before decoding (skipped images still counted). */
  classNames: string[]
  trainCount: number
  testCount: number
  /** The input its images make when the user chooses nothing. */
  defaults(): Promise<ImageInput>
  /** The decoded set in `input`, from the cache in `home` when it holds it. */
  build(input: ImageInput, home: string, options?: DecodeOptions): Promise<DecodedSet>
}

/** Most images whose headers choose an image folder's default input. */
const DEFAULT_SAMPLE = 24
/** The largest default side of photographs of mixed sizes (training cost grows with its square). */
const LARGEST_DEFAULT_SIDE = 64
/** Folders of square images all of one side up to this keep it by default. */
const LARGEST_NATIVE_SIDE = 128

/** Recognises the folder; throws UserError with a sentence when it holds no data set. */
export async function openFolder(path: string): Promise<FolderSource> {
  const folder = resolve(path)
  const idx = await scanIdxFolder(folder)
  if (idx.missing.length === 0) return idxSource(folder, idx.found as IdxFiles)
  const cifar = await findCifarFiles(folder)
  if (cifar) return cifarSource(folder, cifar)
  const scan = await scanImageFolder(folder)
  if (scan.classNames.length > 0) return imageSource(scan)
  if (idx.missing.length < IDX_ROLES.length)
    throw new UserError(missingFilesMessage(idx), 'not_found', 'dataset')
  if (scan.looseImages > 0) {
    throw new UserError(
      `The folder ${folder} has images but no class subfolders; put each class's images in a subfolder named after the class.`,
      'invalid',
      'dataset',
    )
  }
  throw new UserError(
    `The folder ${folder} holds no data set: no class subfolders of images, no CIFAR-10 batches (data_batch_1.bin, test_batch.bin) and no IDX files (train-images-idx3-ubyte and the other three).`,
    'invalid',
    'dataset',
  )
}

async function imageSource(scan: ImageFolderScan): Promise<FolderSource> {
  const plan = planParts(scan)
  const trained = new Set(plan.train.map((file) => file.className))
  return {
    format: 'images',
    folder: scan.root,
    signature: scan.signature,
    classNames: scan.classNames.filter((name) => trained.has(name)),
    trainCount: plan.train.length,
    testCount: plan.test.length,
    defaults: () => imageDefaults(scan),
    build: async (input, home, options) => {
      const path = cacheFilePath(home, scan.root, input, scan.signature)
      const cached = await readCachedSet(path)
      if (cached) return cached
      const set = await decodeImageFolder(scan, input, options)
      // A folder that changed while it was decoded is not cached under its old signature.
      if ((await scanImageFolder(scan.root)).signature === scan.signature)
        await writeCachedSet(home, scan.root, input, path, set)
      return set
    },
  }
}

async function idxSource(folder: string, files: IdxFiles): Promise<FolderSource> {
  const summary = await summarizeIdxSet(files)
  const native = nativeInput(summary.rows, summary.cols, 'grey')
  const signature = await filesSignature(IDX_ROLES.map((role) => files[role]))
  return {
    format: 'idx',
    folder,
    signature,
    classNames: [...DIGIT_CLASS_NAMES],
    trainCount: summary.trainCount,
    testCount: summary.testCount,
    defaults: async () => native,
    build: async (input, home, options) => {
      const set = await loadIdxSet(files)
      const raw = { ...set, channels: 1 as const, classNames: [...DIGIT_CLASS_NAMES] }
      return fitStored(raw, 'idx', native, input, { home, folder, signature }, options)
    },
  }
}

async function cifarSource(folder: string, files: CifarFiles): Promise<FolderSource> {
  const native = nativeInput(CIFAR_SIDE, CIFAR_SIDE, 'rgb')
  const record = 1 + CIFAR_SIDE * CIFAR_SIDE * 3
  const counts = await Promise.all([...files.train, files.test].map(async (path) => (await stat(path)).size))
  const signature = await filesSignature(cifarFileList(files))
  return {
    format: 'cifar-10',
    folder,
    signature,
    classNames: files.meta ? await readCifarClassNames(files.meta) : [...CIFAR10_CLASS_NAMES],
    trainCount: Math.floor(counts.slice(0, -1).reduce((a, b) => a + b, 0) / record),
    testCount: Math.floor(counts[counts.length - 1] / record),
    defaults: async () => native,
    build: async (input, home, options) => {
      const set = await readCifar(files)
      const raw = { ...set, rows: CIFAR_SIDE, cols: CIFAR_SIDE, channels: 3 as const }
      return fitStored(raw, 'cifar-10', native, input, { home, folder, signature }, options)
    },
  }
}

/** A set stored as pixels (IDX, CIFAR-10): decoded already, with no report of its own yet. */
type StoredSet = Omit<DecodedSet, 'report'>

/** The stored set as it is for its native input, else resized (and cached, since that takes a while). */
async function fitStored(
  raw: StoredSet,
  format: FolderFormat,
  native: ImageInput,
  input: ImageInput,
  where: { home: string; folder: string; signature: string },
  options: DecodeOptions = {},
): Promise<DecodedSet> {
  const report = {
    format,
    testPart: 'files' as const,
    input,
    skippedCount: 0,
    skipped: [],
    emptyClasses: [],
    notes: [],
    sourceSizes: [
      [raw.cols, raw.rows],
      [raw.cols, raw.rows],
    ] as [[number, number], [number, number]],
  }
  const isNative =
    raw.rows === raw.cols && input.inputSize === native.inputSize && input.color === native.color
  if (isNative) return { ...raw, report }
  const path = cacheFilePath(where.home, where.folder, input, where.signature)
  const cached = await readCachedSet(path)
  if (cached) return cached
  const channels = input.color === 'rgb' ? 3 : 1
  const imageBytes = input.inputSize * input.inputSize * channels
  const total = raw.train.count + raw.test.count
  requireFits(total, input)
  let done = 0
  const resize = async (split: DatasetSplit): Promise<DatasetSplit> => {
    const images = new Uint8Array(split.count * imageBytes)
    const stored = raw.rows * raw.cols * raw.channels
    const indices = Array.from({ length: split.count }, (_, i) => i)
    await runPool(indices, 8, async (i) => {
      const pixels = split.images.subarray(i * stored, (i + 1) * stored)
      images.set(await fitPixels(pixels, raw.cols, raw.rows, raw.channels, input), i * imageBytes)
      done++
      // Stored sets resize quickly; every 500 images is often enough for a bar.
      if (done % 500 === 0) options.onProgress?.({ done, total, skipped: 0 })
    })
    return { images, labels: split.labels, count: split.count }
  }
  const set: DecodedSet = {
    classNames: raw.classNames,
    rows: input.inputSize,
    cols: input.inputSize,
    channels,
    train: await resize(raw.train),
    test: await resize(raw.test),
    report,
  }
  options.onProgress?.({ done: total, total, skipped: 0 })
  await writeCachedSet(where.home, where.folder, input, path, set)
  return set
}

function nativeInput(rows: number, cols: number, color: ImageInput['color']): ImageInput {
  return { inputSize: Math.max(rows, cols), color, fit: 'crop' }
}

/**
 * The default input of an image folder, from the headers of a spread of its images: their own
 * side when all are square and of one side up to 128, else their median shorter side (at most
 * 64); grey when every one is grey, else RGB; a centre crop.
 */
async function imageDefaults(scan: ImageFolderScan): Promise<ImageInput> {
  const step = Math.max(1, Math.floor(scan.files.length / DEFAULT_SAMPLE))
  const sample = scan.files.filter((_, i) => i % step === 0).slice(0, DEFAULT_SAMPLE)
  const headers = (
    await Promise.all(sample.map((f) => readImageHeader(f.absolute).catch(() => null)))
  ).filter((header) => header !== null)
  if (headers.length === 0) return { inputSize: 32, color: 'rgb', fit: 'crop' }
  const sides = headers.map((h) => Math.min(h.width, h.height)).sort((a, b) => a - b)
  const first = headers[0]
  const uniform = headers.every((h) => h.width === first.width && h.height === first.height)
  const inputSize =
    uniform && first.width === first.height && first.width <= LARGEST_NATIVE_SIDE
      ? Math.max(INPUT_SIZE_LIMIT.min, first.width)
      : Math.max(INPUT_SIZE_LIMIT.min, Math.min(LARGEST_DEFAULT_SIDE, sides[Math.floor(sides.length / 2)]))
  return { inputSize, color: headers.every((h) => h.grey) ? 'grey' : 'rgb', fit: 'crop' }
}

/** A hash of each file's path, size and modification time. */
export async function filesSignature(paths: string[]): Promise<string> {
  const hash = createHash('sha256')
  for (const path of paths) {
    const info = await stat(path)
    hash.update(`${path}\t${info.size}\t${info.mtimeMs}\n`)
  }
  return hash.digest('hex')
}
