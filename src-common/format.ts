/** How numbers read the same in the app and the CLI. */

/** A fraction as a percentage with `digits` decimals: 0.99213 -> `99.21%`; absent -> `—`. */
export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—'
  return `${(fraction * 100).toFixed(digits)}%`
}

/**
 * A learning rate as people write it: powers of ten from a thousandth down as `1e-3`, `1e-4` (so
 * they line up side by side), anything else below a thousandth as `5e-4`, `2.5e-5`, and the rest
 * as decimals: `0.003`, `0.05`.
 */
export function formatLearningRate(rate: number): string {
  if (!Number.isFinite(rate) || rate === 0) return String(rate)
  const exponent = Math.floor(Math.log10(Math.abs(rate)))
  const mantissa = rate / 10 ** exponent
  const whole = Math.abs(mantissa - Math.round(mantissa)) < 1e-9
  const powerOfTen = whole && Math.round(mantissa) === 1
  if (powerOfTen && exponent <= -3) return `1e${exponent}`
  // Below 1e-3 zeros are hard to count: 0.0000976 reads as 9.76e-5.
  if (exponent <= -4) return `${Number(mantissa.toPrecision(6))}e${exponent}`
  return String(Number(rate.toPrecision(6)))
}
