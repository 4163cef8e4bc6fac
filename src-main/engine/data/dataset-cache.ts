/**
 * Decoded data sets kept in `<home>/cache/datasets/`, one file per folder, input and content:
 * its name holds a hash of the folder's path with the input (side, colour, fit) and a hash of
 * the folder's signature (every file's path, size and modification time), so a changed folder
 * finds no file and is decoded again, and the file it replaces is removed. A file is written
 * whole to a temporary name and renamed (fs-atomic), and checked on reading (its magic, its
 * header against its schema, its length against the header), so a torn or foreign file is never
 * used: it is decoded again instead.
 *
 * Layout: "WBDS", a u32 format version, a u32 header length, the header as JSON, then the train
 * images, train labels, test images and test labels (little-endian lengths, raw bytes).
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import { MAX_CLASSES, datasetReportSchema, type DatasetReport, type ImageInput } from '@common/datasets'
import { writeFileAtomic } from '../fs-atomic'
import { homePaths } from '../home'
import type { DatasetSplit } from './idx-set'

const MAGIC = 'WBDS'
/** Raised whenever the layout or the decoding (resize, grey) changes, so older files are not used. */
const FORMAT_VERSION = 1
const PREAMBLE_BYTES = 12

/** A decoded folder as the loader builds it and this cache keeps it. */
export interface DecodedSet {
  classNames: string[]
  rows: number
  cols: number
  channels: 1 | 3
  train: DatasetSplit
  test: DatasetSplit
  report: DatasetReport
}

const headerSchema = z.object({
  classNames: z.array(z.string()).min(2).max(MAX_CLASSES),
  rows: z.number().int().min(1),
  cols: z.number().int().min(1),
  channels: z.union([z.literal(1), z.literal(3)]),
  trainCount: z.number().int().min(0),
  testCount: z.number().int().min(0),
  report: datasetReportSchema,
})

/** Where the decoded set of `folder` made into `input`, with content `signature`, is kept. */
export function cacheFilePath(home: string, folder: string, input: ImageInput, signature: string): string {
  return join(
    cacheFolder(home),
    `${cachePrefix(folder, input)}${shortHash(`${FORMAT_VERSION}\n${signature}`)}.bin`,
  )
}

/** The cached set at `path`, or null when there is none or it is not whole and valid. */
export async function readCachedSet(path: string): Promise<DecodedSet | null> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  if (bytes.length < PREAMBLE_BYTES || bytes.toString('latin1', 0, 4) !== MAGIC) return null
  if (bytes.readUInt32LE(4) !== FORMAT_VERSION) return null
  const headerLength = bytes.readUInt32LE(8)
  if (PREAMBLE_BYTES + headerLength > bytes.length) return null
  const parsed = headerSchema.safeParse(
    parseJson(bytes.toString('utf8', PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)),
  )
  if (!parsed.success) return null
  const header = parsed.data
  const imageBytes = header.rows * header.cols * header.channels
  const lengths = [
    header.trainCount * imageBytes,
    header.trainCount,
    header.testCount * imageBytes,
    header.testCount,
  ]
  const start = PREAMBLE_BYTES + headerLength
  if (start + lengths.reduce((a, b) => a + b, 0) !== bytes.length) return null
  const parts: Uint8Array[] = []
  let at = start
  for (const length of lengths) {
    parts.push(new Uint8Array(bytes.buffer, bytes.byteOffset + at, length))
    at += length
  }
  const [trainImages, trainLabels, testImages, testLabels] = parts
  const classCount = header.classNames.length
  if (trainLabels.some((l) => l >= classCount) || testLabels.some((l) => l >= classCount)) return null
  return {
    classNames: header.classNames,
    rows: header.rows,
    cols: header.cols,
    channels: header.channels,
    train: { images: trainImages, labels: trainLabels, count: header.trainCount },
    test: { images: testImages, labels: testLabels, count: header.testCount },
    report: header.report,
  }
}

/**
 * Writes the set atomically to `path`, then removes the files of the same folder and input
 * that held an earlier content of the folder.
 */
export async function writeCachedSet(
  home: string,
  folder: string,
  input: ImageInput,
  path: string,
  set: DecodedSet,
): Promise<void> {
  const header = Buffer.from(
    JSON.stringify({
      classNames: set.classNames,
      rows: set.rows,
      cols: set.cols,
      channels: set.channels,
      trainCount: set.train.count,
      testCount: set.test.count,
      report: set.report,
    } satisfies z.input<typeof headerSchema>),
    'utf8',
  )
  const preamble = Buffer.alloc(PREAMBLE_BYTES)
  preamble.write(MAGIC, 0, 'latin1')
  preamble.writeUInt32LE(FORMAT_VERSION, 4)
  preamble.writeUInt32LE(header.length, 8)
  const imageBytes = set.rows * set.cols * set.channels
  const parts = [
    preamble,
    header,
    set.train.images.subarray(0, set.train.count * imageBytes),
    set.train.labels.subarray(0, set.train.count),
    set.test.images.subarray(0, set.test.count * imageBytes),
    set.test.labels.subarray(0, set.test.count),
  ]
  await mkdir(cacheFolder(home), { recursive: true })
  await writeFileAtomic(path, parts)
  const prefix = cachePrefix(folder, input)
  const name = path.slice(cacheFolder(home).length + 1)
  const stale = (await readdir(cacheFolder(home))).filter(
    (entry) => entry.startsWith(prefix) && entry.endsWith('.bin') && entry !== name,
  )
  await Promise.all(stale.map((entry) => rm(join(cacheFolder(home), entry), { force: true })))
}

function cacheFolder(home: string): string {
  return join(homePaths(home).cache, 'datasets')
}

/** The part of a file's name that names its folder and input (its content hash follows). */
function cachePrefix(folder: string, input: ImageInput): string {
  return `${shortHash(resolve(folder))}-${input.inputSize}-${input.color}-${input.fit}-`
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 20)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    // A header that is not JSON is a torn or foreign file: the caller decodes again.
    return null
  }
}
