/**
 * The limits of a run's settings, in one table: the run configuration's schema, the new-run form,
 * the settings' defaults and the CLI's flags all read it, so they accept and refuse the same
 * values and say so in the same words.
 */

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
} as const satisfies Record<string, NumberLimit>

export type RunLimitKey = keyof typeof RUN_LIMITS

/** The longest name a run may have, in characters. */
export const RUN_NAME_MAX_LENGTH = 120

const number = (n: number) => n.toLocaleString('en-US')

/** What a limit allows, to end "... must be": `a whole number from 1 to 1,000`. */
export function limitText(limit: NumberLimit): string {
  const range = limit.aboveMin
    ? `above ${number(limit.min)} and at most ${number(limit.max)}`
    : `from ${number(limit.min)} to ${number(limit.max)}`
  const example = limit.example ? `, such as ${limit.example}` : ''
  return `${limit.integer ? 'a whole number' : 'a number'} ${range}${example}`
}

/** Whether `value` is within the limit. */
export function withinLimit(limit: NumberLimit, value: number): boolean {
  return (
    Number.isFinite(value) &&
    (!limit.integer || Number.isInteger(value)) &&
    (limit.aboveMin ? value > limit.min : value >= limit.min) &&
    value <= limit.max
  )
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
