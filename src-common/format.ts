/** How numbers read the same in the app and the CLI. */

/** A fraction as a percentage with `digits` decimals: 0.99213 -> `99.21%`; absent -> `—`. */
export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—'
  return `${(fraction * 100).toFixed(digits)}%`
}

/**
 * A learning rate as people write it: `1e-4`, `5e-3`, `0.05`, `0.00025`. Whole multiples of a
 * thousandth or smaller are written with their exponent, so `1e-3` lines up with `1e-4` beside it.
 */
export function formatLearningRate(rate: number): string {
  if (!Number.isFinite(rate) || rate === 0) return String(rate)
  const exponent = Math.floor(Math.log10(Math.abs(rate)))
  const mantissa = rate / 10 ** exponent
  if (exponent <= -3 && Math.abs(mantissa - Math.round(mantissa)) < 1e-9)
    return `${Math.round(mantissa)}e${exponent}`
  return String(Number(rate.toPrecision(6)))
}
