/**
 * The samplers of a sweep: grid (every combination in order), random, and TPE, the tree-structured
 * Parzen estimator (Bergstra et al. 2011), with the choices Watanabe (2023, "Tree-structured Parzen
 * estimator: understanding its algorithm components") found to matter: a univariate estimator per
 * parameter, a top fraction gamma(n) = ceil(0.1 n) (at most 25) as the good group, a prior
 * component over the whole range, bandwidths from the neighbours' distances clipped below by the
 * range over min(100, n + 1) ("magic clip"), and 24 candidates drawn from l(x) scored by l(x)/g(x).
 *
 * Every proposal is a pure function of the sweep's seed, the trial's number and the trials before
 * it, so a resumed sweep proposes what the uninterrupted one would have.
 */
import type { ParameterValue, SweepConfig, SweepParameter, TrialState } from '@common/sweep'
import { Rng, mixSeed } from '../train/rng'

/** What a sampler knows of a trial before it. */
export interface TrialResult {
  params: Record<string, ParameterValue>
  state: TrialState
  /** The metric's best over the trial's epochs; null before any. */
  value: number | null
  /** Epochs it finished (a pruned trial's, where it stopped). */
  epochsDone: number
}

/** The parameters of trial `number` (1-based), given the trials before it. */
export type Sampler = (number: number, history: TrialResult[]) => Record<string, ParameterValue>

type Space = [string, SweepParameter][]

/** The sampler a sweep configuration asks for. */
export function createSampler(
  config: Pick<SweepConfig, 'method' | 'parameters' | 'seed' | 'metric'>,
  trialCount: number,
): Sampler {
  const space: Space = Object.entries(config.parameters)
  if (config.method === 'grid') return (number) => gridPoint(space, number - 1)
  const rngOf = (number: number) => new Rng(mixSeed(config.seed, number))
  if (config.method === 'random') return (number) => randomPoint(space, rngOf(number))
  const sign = config.metric.goal === 'maximize' ? -1 : 1
  const startup = startupTrials(trialCount)
  return (number, history) =>
    number <= startup ? randomPoint(space, rngOf(number)) : tpePoint(space, rngOf(number), history, sign)
}

/** Combination `index` of the grid, the last parameter changing fastest. */
function gridPoint(space: Space, index: number): Record<string, ParameterValue> {
  const point: Record<string, ParameterValue> = {}
  let rest = index
  for (let i = space.length - 1; i >= 0; i--) {
    const [key, parameter] = space[i]
    if (!('values' in parameter)) throw new Error(`grid parameter ${key} has no values`)
    point[key] = parameter.values[rest % parameter.values.length]
    rest = Math.floor(rest / parameter.values.length)
  }
  return point
}

function randomPoint(space: Space, rng: Rng): Record<string, ParameterValue> {
  return Object.fromEntries(space.map(([key, parameter]) => [key, randomValue(parameter, rng)]))
}

function randomValue(parameter: SweepParameter, rng: Rng): ParameterValue {
  if ('values' in parameter) return parameter.values[rng.below(parameter.values.length)]
  const { low, high } = bounds(parameter)
  return fromInternal(parameter, low + rng.next() * (high - low))
}

/**
 * Trials drawn at random before TPE models the results: Optuna's 10, but a third of a smaller
 * sweep (at least 3), so that a sweep of 8 trials still gets 5 guided ones.
 */
export function startupTrials(trialCount: number): number {
  return Math.max(3, Math.min(10, Math.ceil(trialCount / 3)))
}

/**
 * TPE: trials ranked (finished ones by value, then pruned ones by epochs reached and value), the
 * best gamma(n) form l(x), the rest g(x); each parameter takes the candidate of l(x) with the
 * highest l(x)/g(x).
 */
function tpePoint(
  space: Space,
  rng: Rng,
  history: TrialResult[],
  sign: number,
): Record<string, ParameterValue> {
  const ranked = rankTrials(history, sign)
  if (ranked.length < 2) return randomPoint(space, rng)
  const nBelow = Math.min(Math.ceil(0.1 * ranked.length), 25)
  const below = ranked.slice(0, nBelow)
  const above = ranked.slice(nBelow)
  const point: Record<string, ParameterValue> = {}
  for (const [key, parameter] of space) {
    point[key] =
      'values' in parameter
        ? tpeCategorical(parameter.values, below, above, key, rng)
        : tpeNumeric(parameter, below, above, key, rng)
  }
  return point
}

/** Trials that have a value, best first: completed ones by value, then pruned by epochs and value. */
function rankTrials(history: TrialResult[], sign: number): TrialResult[] {
  const usable = history.filter((t) => t.value !== null && (t.state === 'completed' || t.state === 'pruned'))
  const key = (t: TrialResult) => [t.state === 'completed' ? 0 : 1, -t.epochsDone, sign * t.value!]
  return usable.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)]
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i]
    return 0
  })
}

const CANDIDATES = 24

function tpeNumeric(
  parameter: Extract<SweepParameter, { distribution: string }>,
  below: TrialResult[],
  above: TrialResult[],
  key: string,
  rng: Rng,
): ParameterValue {
  const { low, high } = bounds(parameter)
  const toX = (t: TrialResult) => toInternal(parameter, t.params[key] as number)
  const l = parzen(below.map(toX), low, high)
  const g = parzen(above.map(toX), low, high)
  let best = low
  let bestScore = -Infinity
  for (let i = 0; i < CANDIDATES; i++) {
    const x = l.sample(rng)
    const score = l.logDensity(x) - g.logDensity(x)
    if (score > bestScore) [best, bestScore] = [x, score]
  }
  return fromInternal(parameter, best)
}

function tpeCategorical(
  values: ParameterValue[],
  below: TrialResult[],
  above: TrialResult[],
  key: string,
  rng: Rng,
): ParameterValue {
  // Counts plus a prior of one observation spread over the choices.
  const weights = (group: TrialResult[]) => {
    const counts = values.map(() => 1 / values.length)
    for (const t of group) {
      const index = values.findIndex((v) => v === t.params[key])
      if (index >= 0) counts[index] += 1
    }
    const total = counts.reduce((a, b) => a + b, 0)
    return counts.map((c) => c / total)
  }
  const l = weights(below)
  const g = weights(above)
  let best = 0
  let bestScore = -Infinity
  for (let i = 0; i < CANDIDATES; i++) {
    let u = rng.next()
    let index = 0
    while (index < l.length - 1 && u >= l[index]) u -= l[index++]
    const score = Math.log(l[index]) - Math.log(g[index])
    if (score > bestScore) [best, bestScore] = [index, score]
  }
  return values[best]
}

/**
 * A Parzen estimator on [low, high]: a truncated normal at each observation and a prior one at the
 * middle as wide as the range, equally weighted.
 */
function parzen(observations: number[], low: number, high: number) {
  const range = high - low
  const mus = [...observations, (low + high) / 2]
  const order = mus.map((_, i) => i).sort((a, b) => mus[a] - mus[b])
  const sigmas = new Array<number>(mus.length)
  const minSigma = range / Math.min(100, mus.length + 1)
  order.forEach((index, rank) => {
    const left = rank > 0 ? mus[index] - mus[order[rank - 1]] : mus[index] - low
    const right = rank < order.length - 1 ? mus[order[rank + 1]] - mus[index] : high - mus[index]
    sigmas[index] = Math.min(range, Math.max(minSigma, left, right))
  })
  sigmas[mus.length - 1] = range // the prior
  const mass = mus.map((mu, i) => normalCdf((high - mu) / sigmas[i]) - normalCdf((low - mu) / sigmas[i]))
  return {
    sample(rng: Rng): number {
      const i = rng.below(mus.length)
      // Inverse-CDF draw within the truncation.
      const a = normalCdf((low - mus[i]) / sigmas[i])
      const u = a + rng.next() * mass[i]
      const x = mus[i] + sigmas[i] * normalQuantile(Math.min(Math.max(u, 1e-12), 1 - 1e-12))
      return Math.min(high, Math.max(low, x))
    },
    logDensity(x: number): number {
      let sum = 0
      for (let i = 0; i < mus.length; i++) {
        const z = (x - mus[i]) / sigmas[i]
        sum += Math.exp(-0.5 * z * z) / (sigmas[i] * Math.sqrt(2 * Math.PI) * Math.max(mass[i], 1e-12))
      }
      return Math.log(sum / mus.length + 1e-300)
    },
  }
}

/** The range a parameter is modelled on: the logarithm for log_uniform, half a step wider for integers. */
function bounds(parameter: Extract<SweepParameter, { distribution: string }>): { low: number; high: number } {
  if (parameter.distribution === 'log_uniform')
    return { low: Math.log(parameter.min), high: Math.log(parameter.max) }
  if (parameter.distribution === 'int_uniform') return { low: parameter.min - 0.5, high: parameter.max + 0.5 }
  return { low: parameter.min, high: parameter.max }
}

function toInternal(parameter: Extract<SweepParameter, { distribution: string }>, value: number): number {
  return parameter.distribution === 'log_uniform' ? Math.log(value) : value
}

function fromInternal(parameter: Extract<SweepParameter, { distribution: string }>, x: number): number {
  if (parameter.distribution === 'log_uniform')
    return Math.min(parameter.max, Math.max(parameter.min, Math.exp(x)))
  if (parameter.distribution === 'int_uniform')
    return Math.min(parameter.max, Math.max(parameter.min, Math.round(x)))
  return x
}

/** The standard normal's CDF (Abramowitz and Stegun 7.1.26 through erf; error below 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x)
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf)
}

/** The standard normal's quantile (Acklam's rational approximation, relative error below 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const tail = (q: number) =>
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)))
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)))
  const q = p - 0.5
  const r = q * q
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  )
}
