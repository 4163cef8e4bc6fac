/**
 * Whether a run diverged, from its epochs alone: its loss exploded (far above the loss of a
 * network that only guesses), or its accuracy sank to chance and stayed there. A run at a
 * learning rate of 10 "completes" at 10% with a training loss of 2e10; this is what flags it on
 * the run page, in the runs list and in Compare.
 */
import { z } from 'zod'
import type { EpochMetrics } from './run-record'

export const divergenceSchema = z.object({
  /** `loss`: a loss exploded; `chance`: training and validation accuracy at chance. */
  kind: z.enum(['loss', 'chance']),
  /** The epoch it began. */
  epoch: z.number().int().min(1),
  /** One sentence for a person. */
  message: z.string(),
})
export type Divergence = z.infer<typeof divergenceSchema>

/**
 * How many times the loss of guessing (ln of the class count, 2.3 for ten classes) a loss may
 * reach before it counts as exploded. A learning network stays well under it; a diverging one
 * passes it by orders of magnitude.
 */
export const EXPLODED_LOSS_FACTOR = 10

/** The accuracy at or under which a run of `classCount` classes is no better than guessing. */
export function chanceCeiling(classCount: number): number {
  // Guessing gets 1 in classCount; the larger class of an unbalanced set a little more.
  return Math.min(1.5 / classCount, 1 / classCount + 0.05)
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`
const loss = (x: number) => (!Number.isFinite(x) ? String(x) : x >= 1e4 ? x.toExponential(1) : x.toFixed(2))

/**
 * The first sign of divergence in `epochs` (in epoch order): an epoch whose training or
 * validation loss is not finite or above EXPLODED_LOSS_FACTOR x ln(classCount); else, when the
 * last epochs' training and validation accuracy are both at chance, the first of them. Null for
 * a run that learns (or has no epoch yet).
 */
export function detectDivergence(epochs: readonly EpochMetrics[], classCount: number): Divergence | null {
  const guessLoss = Math.log(Math.max(2, classCount))
  const limit = EXPLODED_LOSS_FACTOR * guessLoss
  for (const e of epochs) {
    const which = !(e.trainLoss <= limit) ? 'training' : !(e.valLoss <= limit) ? 'validation' : null
    if (which) {
      const value = which === 'training' ? e.trainLoss : e.valLoss
      return {
        kind: 'loss',
        epoch: e.epoch,
        message: `Diverged at epoch ${e.epoch}: the ${which} loss reached ${loss(value)}, where guessing gives ${guessLoss.toFixed(2)}; try a lower learning rate.`,
      }
    }
  }
  const ceiling = chanceCeiling(classCount)
  let first: EpochMetrics | null = null
  for (let i = epochs.length - 1; i >= 0; i--) {
    const e = epochs[i]
    if (e.trainAccuracy > ceiling || e.valAccuracy > ceiling) break
    first = e
  }
  if (!first) return null
  const last = epochs[epochs.length - 1]
  const since = first === last ? `at epoch ${last.epoch}` : `since epoch ${first.epoch}`
  return {
    kind: 'chance',
    epoch: first.epoch,
    message: `Not learning: validation accuracy ${percent(last.valAccuracy)} ${since}, where guessing gives ${percent(1 / classCount)}; check the learning rate.`,
  }
}
