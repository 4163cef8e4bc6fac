/**
 * The best-so-far series of a sweep: each trial's metric in the order the trials were proposed,
 * and the best of them up to each trial, which can only improve.
 */

export type MetricGoal = 'maximize' | 'minimize'

export interface BestSoFarPoint {
  /** The trial's number, 1 first. */
  x: number
  y: number
}

export interface BestSoFar {
  /** Every trial that has a value, at its number. */
  trials: BestSoFarPoint[]
  /** The best up to each trial with a value, a step line. */
  best: BestSoFarPoint[]
  /** The number of the trial holding the best, or null before any value. */
  bestTrial: number | null
}

/** Whether `a` is better than `b` for the goal. */
export function better(a: number, b: number, goal: MetricGoal): boolean {
  return goal === 'maximize' ? a > b : a < b
}

/** The series of `values`, one per trial in proposal order; null where a trial has no value yet. */
export function bestSoFar(values: readonly (number | null)[], goal: MetricGoal): BestSoFar {
  const trials: BestSoFarPoint[] = []
  const best: BestSoFarPoint[] = []
  let current: number | null = null
  let bestTrial: number | null = null
  values.forEach((value, i) => {
    if (value === null || !Number.isFinite(value)) return
    const x = i + 1
    trials.push({ x, y: value })
    if (current === null || better(value, current, goal)) {
      current = value
      bestTrial = x
    }
    best.push({ x, y: current })
  })
  return { trials, best, bestTrial }
}
