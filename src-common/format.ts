/** How numbers read the same in the app and the CLI. */

/** A fraction as a percentage with `digits` decimals: 0.99213 -> `99.21%`; absent -> `—`. */
export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—'
  return `${(fraction * 100).toFixed(digits)}%`
}

/**
 * A learning rate as people write it: powers of ten from a thousandth down as `1e-3`, `1e-4` (so
 * they line up side by side), other whole multiples from `1e-4` down as `5e-4`, and the rest as
 * decimals: `0.003`, `0.05`, `0.000025`.
 */
export function formatLearningRate(rate: number): string {
  if (!Number.isFinite(rate) || rate === 0) return String(rate)
  const exponent = Math.floor(Math.log10(Math.abs(rate)))
  const mantissa = rate / 10 ** exponent
  const whole = Math.abs(mantissa - Math.round(mantissa)) < 1e-9
  const powerOfTen = whole && Math.round(mantissa) === 1
  if ((powerOfTen && exponent <= -3) || (whole && exponent <= -4))
    return `${Math.round(mantissa)}e${exponent}`
  return String(Number(rate.toPrecision(6)))
}
