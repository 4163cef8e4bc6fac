/**
 * Early termination of a sweep's trials, decided after each epoch a trial finishes, from the
 * metric of every trial at the same epoch. Each decision to stop says why, in a sentence.
 *
 * ASHA (Li et al. 2020, asynchronous successive halving, as Optuna's SuccessiveHalvingPruner
 * runs it): at a rung a trial goes on when its value is at least the one ranked floor(n/eta) among
 * the n trials that reached the rung (the best, while fewer than eta have). The median rule
 * (Golovin et al. 2017, Google Vizier): a trial stops when its best so far is worse than the
 * median of the other trials' values at the same epoch.
 */
import { ashaRungs, isBetter, type EarlyTerminate, type SweepMetric } from '@common/sweep'

/** The trial being decided on: its epochs in all, and its metric after each finished epoch. */
export interface PruneSubject {
  epochs: number
  values: number[]
}

/** Why the trial stops after its last finished epoch, or null when it goes on. */
export function pruneReason(
  rule: EarlyTerminate | null,
  metric: SweepMetric,
  subject: PruneSubject,
  /** Every other trial's metric after each of its finished epochs. */
  others: number[][],
): string | null {
  const epoch = subject.values.length
  if (!rule || epoch < rule.min_epochs || epoch >= subject.epochs) return null
  const value = subject.values[epoch - 1]
  const atEpoch = others.filter((values) => values.length >= epoch).map((values) => values[epoch - 1])
  const worse = metric.goal === 'maximize' ? 'below' : 'above'
  if (rule.type === 'asha') {
    if (!ashaRungs(subject.epochs, rule.min_epochs, rule.eta).includes(epoch)) return null
    const ranked = [...atEpoch, value].sort((a, b) => (isBetter(metric.goal, a, b) ? -1 : 1))
    const threshold = ranked[Math.max(0, Math.floor(ranked.length / rule.eta) - 1)]
    if (!isBetter(metric.goal, threshold, value)) return null
    const part = metric.goal === 'maximize' ? 'top' : 'best'
    return `stopped at epoch ${epoch}: ${metric.name} ${figure(value)} was ${worse} the ${part} ${fraction(rule.eta)} (${figure(threshold)}) of this rung`
  }
  if (atEpoch.length < rule.startup_trials) return null
  const best = subject.values.reduce((a, b) => (isBetter(metric.goal, b, a) ? b : a))
  const sorted = [...atEpoch].sort((a, b) => a - b)
  const mid = sorted.length / 2
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2
  if (!isBetter(metric.goal, median, best)) return null
  return `stopped at epoch ${epoch}: its best ${metric.name} so far, ${figure(best)}, was ${worse} the median (${figure(median)}) of ${atEpoch.length} other trials at this epoch`
}

function fraction(eta: number): string {
  return { 2: 'half', 3: 'third', 4: 'quarter', 5: 'fifth' }[eta] ?? `1/${eta}`
}

/** A metric as the sentences write it: three decimals, or three significant digits when smaller. */
function figure(value: number): string {
  return Math.abs(value) >= 0.01 ? value.toFixed(3) : value.toPrecision(3)
}
