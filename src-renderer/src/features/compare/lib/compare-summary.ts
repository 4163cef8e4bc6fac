/**
 * "Which learned faster, and by how much": epochs to reach a validation accuracy, the accuracy
 * gap at each epoch, and the one-sentence headline made from them.
 */
import type { EpochMetrics } from '@common/contract'

export interface CurveRun {
  id: string
  label: string
  /** Finished epochs in order. */
  metrics: readonly EpochMetrics[]
}

/** A piece of the headline: plain text, or a run's name (shown with its colour). */
export type HeadlineSegment = { text: string } | { text: string; runId: string }

export interface RunStanding {
  id: string
  label: string
  bestValAccuracy: number
  bestEpoch: number
  /** First epoch at or above the headline's threshold, null if never. */
  reachEpoch: number | null
  /** Wall time at that epoch. */
  reachMs: number | null
  /** Validation accuracy minus the leader's at the last epoch both finished, in points. */
  gapToLeader: number | null
  gapEpoch: number | null
}

export interface CompareHeadline {
  segments: HeadlineSegment[]
  text: string
  leaderId: string
  runnerUpId: string
  /** The validation accuracy both leading runs reached, as a fraction. */
  threshold: number
  /** Every run with an epoch, best first. */
  standings: RunStanding[]
  /** Runs left out because no epoch has finished. */
  pending: string[]
}

/** The first epoch whose validation accuracy is at least `threshold`, or null. */
export function epochToReach(metrics: readonly EpochMetrics[], threshold: number): EpochMetrics | null {
  return metrics.find((m) => m.valAccuracy >= threshold - 1e-12) ?? null
}

/** Validation accuracy of `a` minus `b` at every epoch both finished, in percentage points. */
export function accuracyGaps(
  a: readonly EpochMetrics[],
  b: readonly EpochMetrics[],
): { epoch: number; gap: number }[] {
  const other = new Map(b.map((m) => [m.epoch, m.valAccuracy]))
  return a.flatMap((m) => {
    const v = other.get(m.epoch)
    return v === undefined ? [] : [{ epoch: m.epoch, gap: (m.valAccuracy - v) * 100 }]
  })
}

/**
 * A round accuracy at or below `accuracy`: whole percents, tenths above 99% (where a whole
 * percent says nothing). As a fraction.
 */
export function niceThreshold(accuracy: number): number {
  const percent = accuracy * 100
  const rounded = percent >= 99 ? Math.floor(percent * 10 + 1e-9) / 10 : Math.floor(percent + 1e-9)
  return Math.max(0, rounded) / 100
}

/** A threshold as text: `97%`, `99.3%`. */
export function formatThreshold(threshold: number): string {
  const percent = Math.round(threshold * 1000) / 10
  return `${percent}%`
}

/** A gap in points with its sign: `+1.2 points`, `−0.4 points`. */
export function formatGap(points: number): string {
  const rounded = Math.round(points * 10) / 10
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '±'
  return `${sign}${Math.abs(rounded).toFixed(1)} point${Math.abs(rounded) === 1 ? '' : 's'}`
}

const percent1 = (fraction: number) => `${(fraction * 100).toFixed(1)}%`

function best(metrics: readonly EpochMetrics[]): EpochMetrics {
  return metrics.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a))
}

const epochsText = (n: number) => `${n} epoch${n === 1 ? '' : 's'}`

/**
 * The headline of a comparison: the run with the best validation accuracy against the next
 * best, how much earlier it reached what both reached, and the gap at their last common epoch.
 * Null when fewer than two runs have finished an epoch.
 */
export function compareHeadline(runs: readonly CurveRun[]): CompareHeadline | null {
  const started = runs.filter((r) => r.metrics.length > 0)
  const pending = runs.filter((r) => r.metrics.length === 0).map((r) => r.id)
  if (started.length < 2) return null
  // Best first; on a tie the run that got there earlier leads.
  const ranked = [...started].sort((a, b) => {
    const ba = best(a.metrics)
    const bb = best(b.metrics)
    return bb.valAccuracy - ba.valAccuracy || ba.epoch - bb.epoch
  })
  const [leader, runnerUp] = ranked
  const threshold = niceThreshold(best(runnerUp.metrics).valAccuracy)
  const standings = ranked.map((run): RunStanding => {
    const top = best(run.metrics)
    const reach = epochToReach(run.metrics, threshold)
    const gaps = accuracyGaps(run.metrics, leader.metrics)
    const last = gaps.at(-1)
    return {
      id: run.id,
      label: run.label,
      bestValAccuracy: top.valAccuracy,
      bestEpoch: top.epoch,
      reachEpoch: reach?.epoch ?? null,
      reachMs: reach?.elapsedMs ?? null,
      gapToLeader: run === leader || !last ? null : last.gap,
      gapEpoch: run === leader || !last ? null : last.epoch,
    }
  })
  const lead = standings[0]
  const next = standings[1]
  const L = { text: leader.label, runId: leader.id }
  const R = { text: runnerUp.label, runId: runnerUp.id }
  const level = formatThreshold(threshold)
  const segments: HeadlineSegment[] = []
  const le = lead.reachEpoch ?? lead.bestEpoch
  const re = next.reachEpoch ?? next.bestEpoch
  if (le < re) {
    segments.push(
      L,
      { text: ` reached ${level} validation accuracy at epoch ${le}, ${epochsText(re - le)} before ` },
      R,
    )
  } else if (le === re) {
    segments.push(L, { text: ' and ' }, R, {
      text: ` both reached ${level} validation accuracy at epoch ${le}`,
    })
  } else {
    segments.push(
      R,
      { text: ` reached ${level} validation accuracy first, at epoch ${re}, ${epochsText(le - re)} before ` },
      L,
    )
  }
  const gaps = accuracyGaps(leader.metrics, runnerUp.metrics)
  const last = gaps.at(-1)
  if (last) {
    const final = last.epoch === leader.metrics.at(-1)?.epoch && last.epoch === runnerUp.metrics.at(-1)?.epoch
    segments.push({
      text: final
        ? `; final gap ${formatGap(last.gap)}`
        : `; gap at epoch ${last.epoch} ${formatGap(last.gap)}`,
    })
    if (le > re) segments.push({ text: ' for ' }, L)
    const at = (metrics: readonly EpochMetrics[]) =>
      metrics.find((m) => m.epoch === last.epoch)?.valAccuracy ?? 0
    segments.push({ text: ` (${percent1(at(leader.metrics))} vs ${percent1(at(runnerUp.metrics))})` })
  }
  segments.push({ text: '.' })
  return {
    segments,
    text: segments.map((s) => s.text).join(''),
    leaderId: leader.id,
    runnerUpId: runnerUp.id,
    threshold,
    standings,
    pending,
  }
}
