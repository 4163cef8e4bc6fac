/**
 * What a reader of a comparison must know before trusting its ranking by epoch: runs that
 * diverged, and runs whose epochs held different numbers of training images.
 */
import { validationCount } from '@common/recipe'
import { divergenceOf } from '@common/summary'
import type { ComparedRun } from './compare-runs'

/** The training images of one epoch of a run (its data set's, less its validation split); null when unknown. */
export function trainingImagesOf(run: Pick<ComparedRun, 'record'>): number | null {
  const { dataset, config } = run.record
  if (!dataset) return null
  return dataset.trainCount - validationCount(dataset.trainCount, config.validationSplit)
}

/** One sentence a warning, in the order: different image counts, then each diverged run. */
export function compareWarnings(runs: readonly Pick<ComparedRun, 'label' | 'record'>[]): string[] {
  const warnings: string[] = []
  const counts = runs.map((run) => ({ label: run.label, images: trainingImagesOf(run) }))
  const known = counts.filter((c): c is { label: string; images: number } => c.images !== null)
  if (new Set(known.map((c) => c.images)).size > 1) {
    const list = known.map((c) => `${c.label}: ${c.images.toLocaleString('en-US')}`).join('; ')
    warnings.push(
      `These runs trained on different numbers of images an epoch (${list}): an epoch of one is not an epoch of another, so compare them by wall time too.`,
    )
  }
  for (const run of runs) {
    const divergence = divergenceOf(run.record)
    if (divergence) warnings.push(`${run.label}: ${divergence.message}`)
  }
  return warnings
}
