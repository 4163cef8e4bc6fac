/** How numbers, durations, dates and names read in the renderer (percentages and learning rates: @common/format). */
import { optimizerSchema, type OptimizerName } from '@common/schemas'

const EM_DASH = '—'

/** A duration for people: `850 ms`, `12.4 s`, `3 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return EM_DASH
  if (ms < 1000) return `${Math.round(ms)} ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`
  const totalSeconds = Math.round(seconds)
  const minutes = Math.floor(totalSeconds / 60)
  if (minutes < 60) return `${minutes} min ${pad2(totalSeconds % 60)} s`
  const hours = Math.floor(minutes / 60)
  return `${hours} h ${pad2(minutes % 60)} min`
}

/** Time left, rounded so it does not flicker: `about 40 s`, `about 3 min`. */
export function formatEta(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return EM_DASH
  if (ms < 1000) return 'under 1 s'
  const seconds = ms / 1000
  if (seconds < 60) return `${Math.max(1, Math.round(seconds / 5) * 5 || Math.round(seconds))} s`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`
  return formatDuration(ms)
}

/**
 * A number to `digits` significant digits, with a short exponent when it is large or tiny, so a
 * diverged loss reads `2.13e10`, not `21340799247`: `0.02341`, `2.303`, `1.23e-5`.
 */
export function formatSignificant(value: number, digits: number): string {
  if (!needsExponent(value)) return String(Number(value.toPrecision(digits)))
  const [mantissa, exponent] = value.toExponential(Math.max(0, digits - 1)).split('e')
  return `${Number(mantissa)}e${Number(exponent)}`
}

/** Whether a number reads better with an exponent: at 10,000 or more, or under 0.0001. */
function needsExponent(value: number): boolean {
  return value !== 0 && Number.isFinite(value) && (Math.abs(value) >= 1e4 || Math.abs(value) < 1e-4)
}

/** A loss with four significant digits (`0.02341`, `2.303`), three with an exponent (`2.13e10`). */
export function formatLoss(loss: number | null | undefined): string {
  if (loss === null || loss === undefined || !Number.isFinite(loss)) return EM_DASH
  return formatSignificant(loss, needsExponent(loss) ? 3 : 4)
}

/** A loss as the notebook's epoch log prints it, to four decimals (`0.2300`), a huge one as `1.73e10`. */
export function formatLogLoss(loss: number): string {
  return Math.abs(loss) >= 1e4 ? formatSignificant(loss, 3) : loss.toFixed(4)
}

/** An integer with thousands separators: `1,234,567`. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return EM_DASH
  return Math.round(n).toLocaleString('en-US')
}

/** Throughput: `512 samples/s`. */
export function formatRate(samplesPerSec: number | null | undefined): string {
  if (samplesPerSec === null || samplesPerSec === undefined || !Number.isFinite(samplesPerSec)) return EM_DASH
  return `${formatCount(samplesPerSec)} samples/s`
}

/** A timestamp as a short local date and time: `26 Nov 2025, 17:38`. */
export function formatDate(iso: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return EM_DASH
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return EM_DASH
  return new Intl.DateTimeFormat(locale ?? 'en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(date)
}

/** A shape as Keras prints it: `(None, 24, 24, 32)`. */
export function formatShape(shape: number[]): string {
  return `(None, ${shape.join(', ')})`
}

function pad2(n: number): string {
  return String(n).padStart(2, '0')
}

/** How each optimizer is named for people. */
export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  adam: 'Adam',
  sgd: 'SGD with momentum',
  rmsprop: 'RMSprop',
}

/** The optimizers as the options of a select, in the schema's order. */
export const OPTIMIZER_OPTIONS = optimizerSchema.options.map((value) => ({
  value,
  label: OPTIMIZER_LABELS[value],
}))
