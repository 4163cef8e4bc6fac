/** How big a run is, how long its training should take at a known speed, and its memory. */
import type { BackendName, LayerSummary } from '@common/contract'
import { replicaCount } from '@common/limits'
import { estimateRunMemory, formatBytes, memoryProblem, type MemoryInput } from '@common/memory'
import type { RunConfig } from '@common/schemas'
import { formatCount, formatDuration, formatRate } from '../../../lib/format'
import { parseNumber } from '@common/run-limits'
import { validationCount } from '@common/recipe'
import { batchesPerEpoch as stepsPerEpoch } from '@common/schedule'

export interface RunSize {
  /** Images trained on each epoch: those taken, less the validation split. */
  images: number
  batchesPerEpoch: number
  steps: number
  /** Seconds of training (validation not counted), when a speed is known. */
  trainingMs: number | null
}

/** The size of a run from the form's text; null while the numbers are not valid. */
export function runSize(
  form: { epochs: string; batchSize: string; trainLimit: string; validationSplit: string },
  trainCount: number | null,
  samplesPerSec: number | null,
): RunSize | null {
  const epochs = parseNumber(form.epochs)
  const batchSize = parseNumber(form.batchSize)
  const limit = form.trainLimit.trim() === '' ? trainCount : parseNumber(form.trainLimit)
  const split = parseNumber(form.validationSplit)
  if (!epochs || !batchSize || !limit || epochs < 1 || batchSize < 1 || limit < 1) return null
  if (split === null || split < 0 || split >= 1) return null
  const taken = trainCount ? Math.min(limit, trainCount) : limit
  const images = taken - validationCount(taken, split)
  const batchesPerEpoch = stepsPerEpoch(images, batchSize)
  const trainingMs = samplesPerSec && samplesPerSec > 0 ? ((images * epochs) / samplesPerSec) * 1000 : null
  return { images, batchesPerEpoch, steps: batchesPerEpoch * epochs, trainingMs }
}

/** One line about a run's size: `20 batches an epoch · 20 steps · about 4.0 s at 500 samples/s`. */
export function describeRunSize(size: RunSize, samplesPerSec: number | null): string {
  const parts = [
    `${formatCount(size.batchesPerEpoch)} batch${size.batchesPerEpoch === 1 ? '' : 'es'} an epoch`,
    `${formatCount(size.steps)} step${size.steps === 1 ? '' : 's'} in all`,
  ]
  if (size.trainingMs !== null)
    parts.push(`about ${formatDuration(size.trainingMs)} of training at ${formatRate(samplesPerSec)}`)
  return parts.join(' · ')
}

/** What the form knows of a run's memory: its plan and settings, and the machine's backend. */
export interface FormMemoryInput {
  layers: readonly LayerSummary[]
  config: Pick<RunConfig, 'batchSize' | 'replicas' | 'optimizer' | 'momentum'>
  /** The backend runs get here (app.info); null while unknown or when none loads. */
  backend: BackendName | null
  machine: { cores: number; memoryBytes: number }
}

/**
 * The form's line about a run's peak memory, and the sentence that keeps it from starting when it
 * does not fit (the same check the main side makes).
 */
export function runMemory(input: FormMemoryInput): { line: string; problem: string | null } | null {
  if (!input.backend) return null
  const replicas = replicaCount(input.config.replicas, input.backend, input.machine.cores)
  const memoryInput: MemoryInput = { ...input.config, layers: input.layers, replicas, backend: input.backend }
  const estimate = estimateRunMemory(memoryInput)
  const where =
    replicas > 1
      ? `${formatBytes(estimate.perInstanceBytes)} in each of ${replicas} ${input.backend} replicas, ${formatBytes(estimate.totalBytes)} in all`
      : `${formatBytes(estimate.totalBytes)} on ${input.backend}`
  const problem = memoryProblem(estimate, memoryInput, input.machine.memoryBytes)
  return { line: `Memory at its peak: about ${where}`, problem }
}
