/**
 * Decoding a folder of class subfolders into a data set: which image goes to the test part
 * (train/ and test/ when the folder has them; else a stratified fifth of each class, chosen by a
 * hash of each file's path, so the same folder always splits the same way and a new file does
 * not move the others), every image decoded into its slot with a few at a time, and what could
 * not be used reported: undecodable files (skipped and named), class folders left empty.
 */
import { createHash } from 'node:crypto'
import { availableParallelism } from 'node:os'
import type { DecodeProgress as DecodeProgressEvent } from '@common/contract'
import {
  MAX_CLASSES,
  NAMED_SKIPPED_FILES,
  TEST_FRACTION,
  type DatasetReport,
  type ImageInput,
} from '@common/datasets'
import { UserError } from '../errors'
import type { DecodedSet } from './dataset-cache'
import { decodeImage, decoderReason } from './decode-image'
import type { ImageFile, ImageFolderScan } from './image-folder'

/** No decoded set may hold more than this (the IDX limit too): it lives in memory, twice while training. */
export const MAX_DECODED_BYTES = 1 << 30

/** How far the decoding is: images done (decoded or skipped) of all, and how many were skipped. */
export type DecodeProgress = Omit<DecodeProgressEvent, 'dataset'>

export interface DecodeOptions {
  /** At most every `progressIntervalMs` (default 100), and once at the end. */
  onProgress?: (progress: DecodeProgress) => void
  progressIntervalMs?: number
  /** Images decoded at once (default: twice the cores, at most 8). */
  concurrency?: number
}

interface Planned {
  train: ImageFile[]
  test: ImageFile[]
  /** Test images of classes that have no training images (train/test layouts only). */
  orphanTest: number
}

/** Decodes every image of the scan into `input`; throws UserError when no usable data set remains. */
export async function decodeImageFolder(
  scan: ImageFolderScan,
  input: ImageInput,
  options: DecodeOptions = {},
): Promise<DecodedSet> {
  if (scan.classNames.length > MAX_CLASSES) {
    throw new UserError(
      `The folder ${scan.root} has ${scan.classNames.length} class folders; the workbench takes at most ${MAX_CLASSES}.`,
      'invalid',
      'dataset',
    )
  }
  const plan = planParts(scan)
  const channels = input.color === 'rgb' ? 3 : 1
  const imageBytes = input.inputSize * input.inputSize * channels
  const total = plan.train.length + plan.test.length
  requireFits(total, input)
  const classIndex = new Map(scan.classNames.map((name, i) => [name, i]))
  const parts = [plan.train, plan.test].map((files) => ({
    files,
    images: new Uint8Array(files.length * imageBytes),
    labels: Uint8Array.from(files, (file) => classIndex.get(file.className)!),
    decoded: new Uint8Array(files.length),
  }))
  const skipped: DatasetReport['skipped'] = []
  let skippedCount = 0
  let smallest: [number, number] | null = null
  let largest: [number, number] | null = null
  const jobs = parts.flatMap((part, p) => part.files.map((_, i) => ({ p, i })))
  const reporter = progressReporter(total, options)

  await runPool(jobs, options.concurrency ?? Math.min(8, availableParallelism() * 2), async ({ p, i }) => {
    const part = parts[p]
    const file = part.files[i]
    try {
      const image = await decodeImage(file.absolute, input)
      part.images.set(image.pixels, i * imageBytes)
      part.decoded[i] = 1
      const area = image.sourceWidth * image.sourceHeight
      if (!smallest || area < smallest[0] * smallest[1]) smallest = [image.sourceWidth, image.sourceHeight]
      if (!largest || area > largest[0] * largest[1]) largest = [image.sourceWidth, image.sourceHeight]
    } catch (error) {
      skippedCount++
      skipped.push({ file: file.relative, reason: decoderReason(error) })
    }
    reporter.step(skippedCount)
  })
  reporter.finish(skippedCount)
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))

  // Classes with no training image left are dropped, and the others numbered again in order.
  const trainCounts = new Array<number>(scan.classNames.length).fill(0)
  parts[0].labels.forEach((label, i) => (trainCounts[label] += parts[0].decoded[i]))
  const kept = scan.classNames.map((_, c) => trainCounts[c] > 0)
  const newLabel = relabel(kept)
  const [train, test] = parts.map((part) => {
    let count = 0
    for (let i = 0; i < part.files.length; i++) {
      const label = newLabel[part.labels[i]]
      if (!part.decoded[i] || label < 0) continue
      if (count !== i) part.images.copyWithin(count * imageBytes, i * imageBytes, (i + 1) * imageBytes)
      part.labels[count] = label
      count++
    }
    return {
      images: part.images.subarray(0, count * imageBytes),
      labels: part.labels.subarray(0, count),
      count,
    }
  })
  const classNames = scan.classNames.filter((_, c) => kept[c])
  const emptyClasses = scan.classNames.filter((_, c) => !kept[c])
  const report: DatasetReport = {
    format: 'images',
    testPart: scan.layout === 'train-test' ? 'folders' : 'split',
    input,
    skippedCount,
    skipped: skipped.slice(0, NAMED_SKIPPED_FILES),
    emptyClasses,
    notes: folderNotes(scan, plan),
    sourceSizes: smallest && largest ? [smallest, largest] : null,
  }
  requireUsable(scan, classNames, train.count + test.count, test.count, report)
  return { classNames, rows: input.inputSize, cols: input.inputSize, channels, train, test, report }
}

/** The files of each part, each part in an order that mixes the classes (by path hash). */
export function planParts(scan: ImageFolderScan): Planned {
  const train: ImageFile[] = []
  const test: ImageFile[] = []
  let orphanTest = 0
  if (scan.layout === 'train-test') {
    const trained = new Set(scan.files.filter((f) => f.part === 'train').map((f) => f.className))
    for (const file of scan.files) {
      if (file.part === 'train') train.push(file)
      else if (trained.has(file.className)) test.push(file)
      else orphanTest++
    }
  } else {
    const byClass = new Map<string, ImageFile[]>()
    for (const file of scan.files) byClass.set(file.className, [...(byClass.get(file.className) ?? []), file])
    for (const files of byClass.values()) {
      const shuffled = [...files].sort(byPathHash)
      const testCount = files.length >= 2 ? Math.max(1, Math.round(files.length * TEST_FRACTION)) : 0
      test.push(...shuffled.slice(0, testCount))
      train.push(...shuffled.slice(testCount))
    }
  }
  return { train: train.sort(byPathHash), test: test.sort(byPathHash), orphanTest }
}

const hashes = new WeakMap<ImageFile, string>()

function byPathHash(a: ImageFile, b: ImageFile): number {
  const ha = pathHash(a)
  const hb = pathHash(b)
  return ha < hb ? -1 : ha > hb ? 1 : a.relative < b.relative ? -1 : 1
}

function pathHash(file: ImageFile): string {
  let hash = hashes.get(file)
  if (!hash) {
    hash = createHash('sha256').update(`workbench split\n${file.relative}`).digest('hex')
    hashes.set(file, hash)
  }
  return hash
}

function relabel(kept: boolean[]): number[] {
  let next = 0
  return kept.map((keep) => (keep ? next++ : -1))
}

function folderNotes(scan: ImageFolderScan, plan: Planned): string[] {
  const notes: string[] = []
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
  if (scan.otherFiles > 0)
    notes.push(
      `${plural(scan.otherFiles, 'file that is not an image was', 'files that are not images were')} ignored.`,
    )
  if (scan.looseImages > 0)
    notes.push(
      `${plural(scan.looseImages, 'image outside a class folder was', 'images outside a class folder were')} ignored.`,
    )
  if (plan.orphanTest > 0)
    notes.push(
      `${plural(plan.orphanTest, 'test image was', 'test images were')} left out: ${plan.orphanTest === 1 ? 'its class has' : 'their classes have'} no training images.`,
    )
  return notes
}

/** The one-sentence refusals: no image, one class, nothing to test on. */
function requireUsable(
  scan: ImageFolderScan,
  classNames: string[],
  images: number,
  testImages: number,
  report: DatasetReport,
): void {
  const skippedNote =
    report.skippedCount > 0
      ? `; ${report.skippedCount} file${report.skippedCount === 1 ? '' : 's'} could not be decoded (${report.skipped[0].file}: ${report.skipped[0].reason})`
      : ''
  if (images === 0) {
    throw new UserError(
      `The folder ${scan.root} holds no image the workbench can read in class subfolders (PNG, JPEG, WebP, GIF or BMP)${skippedNote}.`,
      'invalid',
      'dataset',
    )
  }
  if (classNames.length < 2) {
    throw new UserError(
      `The folder ${scan.root} has images of one class only (${classNames[0]}); a classifier needs at least two class folders${skippedNote}.`,
      'invalid',
      'dataset',
    )
  }
  if (testImages === 0) {
    const where =
      scan.testFolder !== null
        ? `its ${scan.testFolder}/ folder holds no usable image of the training classes`
        : 'no class has two images to split one off for testing'
    throw new UserError(`The folder ${scan.root} leaves no test image: ${where}.`, 'invalid', 'dataset')
  }
}

/** Throws a UserError when `count` images of `input` would not fit the memory a data set may take. */
export function requireFits(count: number, input: ImageInput): void {
  const bytes = count * input.inputSize * input.inputSize * (input.color === 'rgb' ? 3 : 1)
  if (bytes > MAX_DECODED_BYTES) {
    throw new UserError(
      `${count} images of ${input.inputSize}x${input.inputSize} ${input.color === 'rgb' ? 'RGB' : 'grey'} would take ${formatGiB(bytes)} in memory, more than the ${formatGiB(MAX_DECODED_BYTES)} a data set may; choose a smaller input size or grey.`,
      'invalid',
      'dataset.inputSize',
    )
  }
}

/** Progress at most every interval, and always the last. */
function progressReporter(total: number, options: DecodeOptions) {
  const interval = options.progressIntervalMs ?? 100
  let done = 0
  let last = -Infinity
  return {
    step(skipped: number) {
      done++
      const now = performance.now()
      if (done < total && now - last < interval) return
      last = now
      options.onProgress?.({ done, total, skipped })
    },
    finish(skipped: number) {
      if (done < total || total === 0) options.onProgress?.({ done: total, total, skipped })
    },
  }
}

/** Runs `work` on every item with at most `limit` at once; rejects with the first failure. */
export async function runPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++])
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
}

function formatGiB(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`
}
