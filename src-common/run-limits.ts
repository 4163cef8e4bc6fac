/**
 * The limits of a run's settings, in one table: the run configuration's schema, the new-run form,
 * the settings' defaults and the CLI's flags all read it, so they accept and refuse the same
 * values and say so in the same words.
 */
import { z } from 'zod'

/** The range one number may take. */
export interface NumberLimit {
  /** What a person calls it, as the form labels it. */
  label: string
  min: number
  max: number
  /** Whether only whole numbers are accepted. */
  integer: boolean
  /** Whether `min` itself is refused: a learning rate must be above 0. */
  aboveMin?: boolean
  /** Whether `max` itself is refused: one cycle's peak must come before the run's end. */
  belowMax?: boolean
  /** A typical value, shown in the sentence that refuses one. */
  example?: string
}

/** Every number of a run's configuration, by the field it limits. */
export const RUN_LIMITS = {
  epochs: { label: 'Epochs', min: 1, max: 1000, integer: true },
  batchSize: { label: 'Batch size', min: 1, max: 4096, integer: true },
  learningRate: { label: 'Learning rate', min: 0, max: 10, integer: false, aboveMin: true, example: '1e-4' },
  /** Of sgd; the other optimizers ignore it. */
  momentum: { label: 'Momentum', min: 0, max: 0.999, integer: false },
  seed: { label: 'Seed', min: 0, max: 2 ** 31 - 1, integer: true },
  /** The first N training images; more than any data set the workbench holds in memory is a typo. */
  trainLimit: { label: 'Training images', min: 1, max: 10_000_000, integer: true },
  replicas: { label: 'Replicas', min: 1, max: 8, integer: true },
  convBlocks: { label: 'Conv blocks', min: 1, max: 6, integer: true },
  convFilters: { label: 'filters', min: 1, max: 512, integer: true },
  convKernelSize: { label: 'kernel size', min: 1, max: 11, integer: true },
  convStride: { label: 'stride', min: 1, max: 4, integer: true },
  denseLayers: { label: 'Dense layers', min: 0, max: 4, integer: true },
  denseUnits: { label: 'units', min: 1, max: 8192, integer: true },
  denseDropout: { label: 'dropout', min: 0, max: 0.95, integer: false },
  /** Convolutions in one conv block. */
  convs: { label: 'convs', min: 1, max: 4, integer: true },
  /** Dropout after a conv block. */
  convDropout: { label: 'dropout', min: 0, max: 0.95, integer: false },
  /** The fraction of the training images held out to validate on; 0 validates on the test set. */
  validationSplit: { label: 'Validation split', min: 0, max: 0.5, integer: false, example: '0.1' },
  /** Augmentation: the largest rotation, in degrees either way. */
  rotation: { label: 'Rotation', min: 0, max: 180, integer: false },
  /** Augmentation: the largest zoom in or out, as a fraction. */
  zoom: { label: 'Zoom', min: 0, max: 0.5, integer: false },
  /** Augmentation: the largest shift, as a fraction of the width and height. */
  shift: { label: 'Shift', min: 0, max: 0.5, integer: false },
  warmupEpochs: { label: 'Warm-up epochs', min: 0, max: 100, integer: false },
  weightDecay: { label: 'Weight decay', min: 0, max: 1, integer: false, example: '1e-4' },
  labelSmoothing: { label: 'Label smoothing', min: 0, max: 0.5, integer: false },
  gradientClipNorm: { label: 'Gradient clip norm', min: 0, max: 1e6, integer: false, aboveMin: true },
  /** Early stopping: epochs without improvement before the run stops. */
  patience: { label: 'Patience', min: 1, max: 1000, integer: true },
  /** Early stopping: the least change of the monitored figure that counts as an improvement. */
  minDelta: { label: 'Min delta', min: 0, max: 1, integer: false },
  /** Step schedule: epochs between two steps. */
  scheduleEveryEpochs: { label: 'Step every', min: 1, max: 1000, integer: true },
  /** Step and exponential schedules: what the rate is multiplied by at each step. */
  scheduleFactor: { label: 'Decay factor', min: 0, max: 1, integer: false, aboveMin: true },
  /** Cosine and one-cycle schedules: the last rate, as a fraction of the peak. */
  scheduleFinalFactor: { label: 'Final factor', min: 0, max: 1, integer: false },
  /** One-cycle schedule: where the peak is, as a fraction of the run. */
  schedulePeakAt: { label: 'Peak at', min: 0, max: 1, integer: false, aboveMin: true, belowMax: true },
  /** One-cycle schedule: the first rate, as a fraction of the peak. */
  scheduleStartFactor: { label: 'Start factor', min: 0, max: 1, integer: false, aboveMin: true },
} as const satisfies Record<string, NumberLimit>

export type RunLimitKey = keyof typeof RUN_LIMITS

/** The longest name a run may have, in characters. */
export const RUN_NAME_MAX_LENGTH = 120

const number = (n: number) => n.toLocaleString('en-US')

/** What a limit allows, to end "... must be": `a whole number from 1 to 1,000`. */
export function limitText(limit: NumberLimit): string {
  const low = number(limit.min)
  const high = number(limit.max)
  const range =
    limit.aboveMin || limit.belowMax
      ? `${limit.aboveMin ? 'above' : 'at least'} ${low} and ${limit.belowMax ? 'below' : 'at most'} ${high}`
      : `from ${low} to ${high}`
  const example = limit.example ? `, such as ${limit.example}` : ''
  return `${limit.integer ? 'a whole number' : 'a number'} ${range}${example}`
}

/** Whether `value` is within the limit. */
export function withinLimit(limit: NumberLimit, value: number): boolean {
  return (
    Number.isFinite(value) &&
    (!limit.integer || Number.isInteger(value)) &&
    (limit.aboveMin ? value > limit.min : value >= limit.min) &&
    (limit.belowMax ? value < limit.max : value <= limit.max)
  )
}

/** The zod schema of a number within `limit`, refused with the sentence the form and the CLI use. */
export function limitSchema(limit: NumberLimit) {
  const error = `must be ${limitText(limit)}`
  const number = limit.integer ? z.number({ error }).int({ error }) : z.number({ error })
  const above = limit.aboveMin ? number.gt(limit.min, { error }) : number.min(limit.min, { error })
  return limit.belowMax ? above.lt(limit.max, { error }) : above.max(limit.max, { error })
}

/** A number as a person types it: `1e-4`, ` 50 `, `0.4`; null when it is not one (`0x10`, `1,000`). */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim()
  if (trimmed === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return null
  const value = Number(trimmed)
  return Number.isFinite(value) ? value : null
}

/**
 * Typed text checked against a limit: the number, or the sentence that refuses it, which starts
 * with `name` (`Epochs must be a whole number from 1 to 1,000.`).
 */
export function checkLimit(
  limit: NumberLimit,
  text: string,
  name: string = limit.label,
): { value: number; error?: undefined } | { value?: undefined; error: string } {
  const value = parseNumber(text)
  if (value === null || !withinLimit(limit, value)) return { error: `${name} must be ${limitText(limit)}.` }
  return { value }
}
