/**
 * How the CLI tells what became of a folder: its input, classes and counts, what it skipped,
 * and the decoding while it lasts (a bar on a terminal, a line at the start and at the end in a
 * log), for `train` and `datasets inspect` alike.
 */
import { basename } from 'node:path'
import type { DecodeProgress } from '@common/contract'
import {
  describeInputShape,
  describeSourceSizes,
  FOLDER_FORMAT_WORDS,
  INPUT_SIZE_LIMIT,
  INPUT_SIZES,
  imageColorSchema,
  imageFitSchema,
  TEST_PART_WORDS,
  type DatasetReport,
  type ImageInput,
} from '@common/datasets'
import { numberFlag, type FlagSpecs, type ParsedFlags } from '../args'
import type { CommandIO } from '../io'

/** The flags that choose a folder's input (train, datasets inspect). */
export const INPUT_FLAGS = {
  'input-size': numberFlag(
    INPUT_SIZE_LIMIT,
    `side of the square a folder's images are resized to, e.g. ${INPUT_SIZES.join(', ')} (default: from its images)`,
  ),
  color: {
    type: 'string',
    choices: imageColorSchema.options,
    description: "a folder's images in colour or grey (default: rgb unless all its images are grey)",
  },
  fit: {
    type: 'string',
    choices: imageFitSchema.options,
    description: 'how other shapes become square: centre crop, pad with black, or stretch (default crop)',
  },
} as const satisfies FlagSpecs

/** The input fields the flags give (absent ones left to the folder's defaults). */
export function inputFromFlags(flags: ParsedFlags<typeof INPUT_FLAGS>): Partial<ImageInput> {
  return {
    inputSize: flags['input-size'],
    color: flags.color as ImageInput['color'] | undefined,
    fit: flags.fit as ImageInput['fit'] | undefined,
  }
}

/** "32×32 RGB, centre crop". */
export function describeInput(input: ImageInput): string {
  const channels = input.color === 'rgb' ? 3 : 1
  return describeInputShape([input.inputSize, input.inputSize, channels], input.fit)
}

/** The lines that say what loading a folder found. */
export function reportLines(report: DatasetReport): string[] {
  const lines = [
    `${FOLDER_FORMAT_WORDS[report.format]}, input ${describeInput(report.input)}; ${TEST_PART_WORDS[report.testPart]}.`,
  ]
  const sizes = describeSourceSizes(report)
  if (sizes) lines.push(`Image sizes: ${sizes}.`)
  if (report.skippedCount > 0) {
    const count = report.skippedCount === 1 ? '1 file' : `${report.skippedCount} files`
    lines.push(`Skipped ${count} that could not be decoded:`)
    for (const { file, reason } of report.skipped) lines.push(`  ${file}: ${reason}`)
    const more = report.skippedCount - report.skipped.length
    if (more > 0) lines.push(`  and ${more} more`)
  }
  if (report.emptyClasses.length > 0)
    lines.push(`Class folders without a usable image, left out: ${report.emptyClasses.join(', ')}.`)
  lines.push(...report.notes)
  return lines
}

/** Shows decoding progress: a bar redrawn on a terminal, else a line when it starts and when it ends. */
export class DecodePrinter {
  private startedAt: number | null = null
  private barShown = false

  constructor(private readonly io: CommandIO) {}

  /** Takes one progress report. */
  update(progress: DecodeProgress): void {
    const now = Date.now()
    const name = progress.dataset.kind === 'folder' ? basename(progress.dataset.path) : progress.dataset.kind
    const tty = this.io.stdout.isTTY === true
    if (this.startedAt === null) {
      this.startedAt = now
      if (!tty) this.io.stdout.write(`Decoding ${progress.total} images of ${name}...\n`)
    }
    const skipped = progress.skipped > 0 ? `, ${progress.skipped} skipped` : ''
    if (tty) {
      const width = 24
      const filled = progress.total > 0 ? Math.round((progress.done / progress.total) * width) : width
      this.io.stdout.write(
        `\r\x1b[Kdecoding ${name} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress.done}/${progress.total}${skipped}`,
      )
      this.barShown = true
    }
    if (progress.done >= progress.total) {
      if (this.barShown) this.io.stdout.write('\r\x1b[K')
      this.barShown = false
      const seconds = ((now - this.startedAt) / 1000).toFixed(1)
      this.io.stdout.write(`Decoded ${progress.total} images of ${name} in ${seconds} s${skipped}.\n`)
      this.startedAt = null
    }
  }
}
