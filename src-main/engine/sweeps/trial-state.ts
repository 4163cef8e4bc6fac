/**
 * A sweep trial's state and figures as its run's record and metrics say: pure functions the
 * sweep runner reads its trials with.
 */
import type { EpochMetrics } from '@common/contract'
import { isBetter, type SweepConfig, type SweepTrial } from '@common/sweep'

/** Why and at which epoch the runner stopped a trial's run early. */
export interface PruneDecision {
  reason: string
  epoch: number
}

/** A trial's state from its run's status (and error), pruned where the runner stopped it so. */
export function trialState(
  status: string,
  error: string | undefined,
  pruned: PruneDecision | undefined,
): Pick<SweepTrial, 'state' | 'reason' | 'prunedAt'> {
  switch (status) {
    case 'queued':
    case 'running':
    case 'completed':
      return { state: status }
    case 'stopped':
      return pruned
        ? { state: 'pruned', reason: pruned.reason, prunedAt: pruned.epoch }
        : { state: 'stopped' }
    default:
      return { state: 'failed', reason: error ?? `Its run is ${status}.` }
  }
}

/** A trial whose run crashed (its process died): a sweep's resume runs it on from its checkpoint. */
export function isCrashed(trial: SweepTrial): boolean {
  return (
    trial.state === 'failed' && trial.reason?.startsWith('The training process ended unexpectedly') === true
  )
}

/** The trial without the reason and epoch of how it ended (it trains again). */
export function withoutReason(trial: SweepTrial): SweepTrial {
  const copy = { ...trial }
  delete copy.reason
  delete copy.prunedAt
  return copy
}

/** The sweep's metric in an epoch's figures. */
export function metricOf(config: Pick<SweepConfig, 'metric'>, m: EpochMetrics): number {
  return config.metric.name === 'val_accuracy' ? m.valAccuracy : m.valLoss
}

/** The best of a trial's values for the sweep's goal; null before any. */
export function best(config: Pick<SweepConfig, 'metric'>, values: number[]): number | null {
  if (values.length === 0) return null
  return values.reduce((a, b) => (isBetter(config.metric.goal, b, a) ? b : a))
}
