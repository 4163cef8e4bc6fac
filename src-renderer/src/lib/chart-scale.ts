/**
 * What a chart's curves are drawn as and over: exponential-moving-average smoothing (as
 * TensorBoard's slider) and a y range that ignores outliers (as TensorBoard's "ignore outliers in
 * chart scaling"), so one diverged run does not squash the others into a flat line.
 */
import type { Point } from './run-series'

/** The most a smoothing weight may be: at 1 the curve would never move from its first value. */
export const MAX_SMOOTHING = 0.99

/**
 * `points` smoothed by an exponential moving average of weight `weight` (0: unchanged), with
 * TensorBoard's debiasing so the curve starts at the first value instead of rising from zero.
 * A value that is not finite passes through and leaves the average as it was.
 */
export function smooth(points: readonly Point[], weight: number): Point[] {
  const w = Math.min(MAX_SMOOTHING, Math.max(0, weight))
  if (w === 0) return points.slice()
  let average = 0
  let count = 0
  return points.map((p) => {
    if (!Number.isFinite(p.y)) return p
    average = average * w + (1 - w) * p.y
    count++
    return { x: p.x, y: average / (1 - w ** count) }
  })
}

/** The value below which a fraction `q` of the ascending `sorted` lies, interpolated. */
export function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  const high = Math.min(sorted.length - 1, low + 1)
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low)
}

/** A curve whose typical value is this many times worse than the usual curve's is an outlier. */
const OUTLIER_FACTOR = 10
/** Fewer points than this (a few epochs) are all kept: a 5% tail of them is no single point. */
const TRIMMED_FROM = 20

/**
 * The y range that shows the bulk of `curves`: each dense curve's 5th to 95th percentile (a spike
 * of a few points runs off the edge; a curve of a few epochs shows whole), leaving out curves an order of magnitude worse than the usual
 * one (a diverged run's loss of 2e10 beside losses under 1; an accuracy at chance beside 99%).
 * Loss is worse the higher, accuracy the lower. Null when there is nothing to scale to.
 */
export function robustRange(
  curves: readonly (readonly Point[])[],
  y: 'loss' | 'accuracy',
): { min: number; max: number } | null {
  const spans = curves.flatMap((points) => {
    const values = points.map((p) => p.y).filter(Number.isFinite)
    if (!values.length) return []
    values.sort((a, b) => a - b)
    const tail = values.length >= TRIMMED_FROM ? 0.05 : 0
    const low = quantile(values, tail)
    const high = quantile(values, 1 - tail)
    return [{ low, high, worse: y === 'loss' ? high : 1 - low }]
  })
  if (!spans.length) return null
  const usual = spans.map((s) => s.worse).sort((a, b) => a - b)[Math.floor((spans.length - 1) / 2)]
  // A floor keeps curves that are all good (losses near 0, accuracies near 100%) from calling a
  // merely ordinary one an outlier.
  const limit = OUTLIER_FACTOR * Math.max(usual, y === 'loss' ? 1 : 0.01)
  const kept = spans.filter((s) => s.worse <= limit)
  const min = Math.min(...kept.map((s) => s.low))
  const max = Math.max(...kept.map((s) => s.high))
  const pad = (max - min) * 0.05 || Math.abs(max) * 0.05 || 0.05
  return { min: min - pad, max: max + pad }
}
