/**
 * A sweep record read for its charts: the parameter axes, the trials as points, the input of the
 * parameter importance, the best-so-far values, the rungs, and the best trials to compare.
 */
import { ashaRungs, type SweepRecord, type SweepTrial } from '@common/sweep'
import type { ImportanceInput } from './importance'
import type { ParamValue, SweepAxisParam, SweepPoint } from './sweep-parallel'

/** States after which a trial's value no longer changes (until it is given more epochs). */
const SETTLED = new Set<SweepTrial['state']>(['completed', 'pruned', 'failed', 'stopped'])

/** A trial's name as every view writes it. */
export function trialName(trial: Pick<SweepTrial, 'number'>): string {
  return `Trial ${trial.number}`
}

/**
 * How each searched parameter's axis is spaced: log for a log-uniform range or numbers spanning
 * more than a decade, linear for other numbers, categories for anything else.
 */
export function parameterAxes(record: SweepRecord): SweepAxisParam[] {
  return Object.entries(record.config.parameters).map(([name, p]) => {
    if (!('values' in p)) return { name, kind: p.distribution === 'log_uniform' ? 'log' : 'linear' }
    const numbers = p.values.filter((v): v is number => typeof v === 'number')
    if (numbers.length !== p.values.length) return { name, kind: 'category' }
    const positive = numbers.every((v) => v > 0)
    return { name, kind: positive && Math.max(...numbers) / Math.min(...numbers) > 10 ? 'log' : 'linear' }
  })
}

/** The trials in proposal order, as the parallel-coordinates plot takes them. */
export function trialPoints(record: SweepRecord): SweepPoint[] {
  return [...record.trials]
    .sort((a, b) => a.number - b.number)
    .map((t) => ({
      id: t.runId ?? `trial-${t.number}`,
      name: trialName(t),
      params: t.params,
      metric: t.value,
    }))
}

/** Each trial's value once it has settled, in proposal order (null where it has none yet). */
export function settledValues(record: SweepRecord): (number | null)[] {
  return [...record.trials]
    .sort((a, b) => a.number - b.number)
    .map((t) => (SETTLED.has(t.state) ? t.value : null))
}

/** The trials with a value, as the random forest takes them: logs for log axes, indices for categories. */
export function importanceInput(record: SweepRecord): ImportanceInput {
  const axes = parameterAxes(record)
  const trials = record.trials.filter((t) => t.value !== null)
  const categories = axes.map((axis) =>
    axis.kind === 'category' ? [...new Set(trials.map((t) => String(t.params[axis.name])))].sort() : [],
  )
  const numeric = (value: ParamValue | undefined, i: number): number => {
    const axis = axes[i]
    if (axis.kind === 'category') return categories[i].indexOf(String(value))
    const n = typeof value === 'number' ? value : Number(value)
    return axis.kind === 'log' && n > 0 ? Math.log10(n) : n
  }
  return {
    names: axes.map((a) => a.name),
    rows: trials.map((t) => axes.map((a, i) => numeric(t.params[a.name], i))),
    metric: trials.map((t) => t.value as number),
    categorical: new Set(axes.filter((a) => a.kind === 'category').map((a) => a.name)),
  }
}

/** The epochs at which the early-termination rule compares trials. */
export function rungEpochs(record: SweepRecord): number[] {
  const rule = record.config.early_terminate
  if (!rule) return []
  const epochs = record.config.base.epochs
  if (rule.type === 'asha') return ashaRungs(epochs, rule.min_epochs, rule.eta)
  return rule.min_epochs < epochs ? [rule.min_epochs] : []
}

/** The run ids of the `n` best trials that have a run and a value, best first. */
export function topTrials(record: SweepRecord, n: number): string[] {
  const sign = record.config.metric.goal === 'maximize' ? -1 : 1
  return record.trials
    .filter((t): t is SweepTrial & { runId: string; value: number } => t.runId !== null && t.value !== null)
    .sort((a, b) => sign * (a.value - b.value) || a.number - b.number)
    .slice(0, n)
    .map((t) => t.runId)
}

/** How many trials are in each state. */
export function stateCounts(record: SweepRecord): Record<SweepTrial['state'], number> {
  const counts = { queued: 0, running: 0, pruned: 0, completed: 0, failed: 0, stopped: 0 }
  for (const t of record.trials) counts[t.state]++
  return counts
}
