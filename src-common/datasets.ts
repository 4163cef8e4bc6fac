/**
 * What a data set folder becomes: how its images are turned into the network's input (side,
 * colour, fit), and the report of what was found in it (its format, the files skipped and why,
 * the empty class folders). Pure zod: the engine writes these, the renderer and the CLI show them.
 */
import { z } from 'zod'
import type { NumberLimit } from './run-limits'

/** The sides offered for a folder's images in the form; any side in the schema's range is accepted. */
export const INPUT_SIZES = [28, 32, 48, 64, 96, 128] as const

/** The side of the square a folder's images are resized to. */
export const INPUT_SIZE_LIMIT = {
  label: 'Input size',
  min: 8,
  max: 256,
  integer: true,
} as const satisfies NumberLimit

/** The share of each class a folder without train/ and test/ gives to its test part. */
export const TEST_FRACTION = 0.2

/** Most classes a data set may have: labels are stored one byte each. */
export const MAX_CLASSES = 256

export const imageColorSchema = z.enum(['rgb', 'grey'])
export type ImageColor = z.infer<typeof imageColorSchema>

/**
 * How a picture of another shape fills the square input: `crop` scales its shorter side to the
 * input and cuts the middle, `pad` scales its longer side and fills the rest with black,
 * `stretch` scales each side on its own.
 */
export const imageFitSchema = z.enum(['crop', 'pad', 'stretch'])
export type ImageFit = z.infer<typeof imageFitSchema>

/** The network's input made from a folder's images: a square of `inputSize` pixels, in colour or grey. */
export const imageInputSchema = z.object({
  inputSize: z.number().int().min(INPUT_SIZE_LIMIT.min).max(INPUT_SIZE_LIMIT.max),
  color: imageColorSchema,
  fit: imageFitSchema,
})
export type ImageInput = z.infer<typeof imageInputSchema>

/** The kinds of folder the workbench reads. */
export const folderFormatSchema = z.enum(['images', 'cifar-10', 'idx'])
export type FolderFormat = z.infer<typeof folderFormatSchema>

/** How many skipped files a report names; the rest are counted. */
export const NAMED_SKIPPED_FILES = 5

/** What loading a folder found: its format, how its test part was made, and what it left out. */
export const datasetReportSchema = z.object({
  format: folderFormatSchema,
  /** `folders`: train/ and test/ (or val/) subfolders; `split`: split off by the workbench; `files`: the format's own. */
  testPart: z.enum(['folders', 'split', 'files']),
  /** The input the images were made into. */
  input: imageInputSchema,
  /** Files that could not be read or decoded, counted. */
  skippedCount: z.number().int().min(0),
  /** The first few of them, by path inside the folder, with the decoder's reason. */
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })).max(NAMED_SKIPPED_FILES),
  /** Class folders with no usable image, left out of the classes. */
  emptyClasses: z.array(z.string()),
  /** Other things a person should know (files that are not images, images outside class folders). */
  notes: z.array(z.string()),
  /** The smallest and largest width x height among the images read, e.g. [[32, 32], [500, 375]]. */
  sourceSizes: z
    .tuple([z.tuple([z.number().int(), z.number().int()]), z.tuple([z.number().int(), z.number().int()])])
    .nullable(),
})
export type DatasetReport = z.infer<typeof datasetReportSchema>

/** Every default of a folder's input a caller may leave out, as it may send them. */
export const folderInputFields = imageInputSchema.partial().shape

const FIT_WORDS: Record<ImageFit, string> = { crop: 'centre crop', pad: 'padded', stretch: 'stretched' }

/** "32×32 RGB, centre crop": an input's shape, colour and (when known) fit, as people read it. */
export function describeInputShape(shape: readonly [number, number, number], fit?: ImageFit): string {
  const [rows, cols, channels] = shape
  const colour = channels === 3 ? 'RGB' : channels === 1 ? 'grey' : `${channels} channels`
  return `${rows}×${cols} ${colour}${fit ? `, ${FIT_WORDS[fit]}` : ''}`
}

/** What kind of folder a report is of, as the CLI and the form say it. */
export const FOLDER_FORMAT_WORDS: Record<DatasetReport['format'], string> = {
  images: 'a folder of class subfolders of images',
  'cifar-10': 'CIFAR-10 binary batches',
  idx: 'IDX files',
}

/** Where a report's test images came from, as the CLI and the form say it. */
export const TEST_PART_WORDS: Record<DatasetReport['testPart'], string> = {
  folders: 'the test images from its own test folder',
  split: 'a fifth of each class split off for testing',
  files: "the test images from the format's test files",
}

/** "40×40 to 96×96" (or "32×32" when all are alike): the sizes of a folder's images; '' when unknown. */
export function describeSourceSizes(report: DatasetReport): string {
  if (!report.sourceSizes) return ''
  const [[w0, h0], [w1, h1]] = report.sourceSizes
  return w0 === w1 && h0 === h1 ? `${w0}×${h0}` : `${w0}×${h0} to ${w1}×${h1}`
}
