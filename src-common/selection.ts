/**
 * Which epoch of a run is its best by validation, and whether early stopping ends it: one pure
 * fold over its epochs, which the trainer runs as epochs finish (and keeps in each checkpoint)
 * and the summary runs over `metrics.jsonl`. The test set never enters it.
 */
import { z } from 'zod'
import type { RunConfig } from './schemas'

/** The parts of a run's configuration that choose its best epoch and stop it early. */
export type SelectionConfig = Pick<RunConfig, 'monitor' | 'earlyStopping'>

/** The figures of one epoch that selection reads. */
export interface ValidationFigures {
  epoch: number
  valLoss: number
  valAccuracy: number
}

/** Where selection stands after some epochs. JSON-safe (a checkpoint stores it, and reads it back with this). */
export const selectionStateSchema = z.object({
  /** The best epoch so far (strictly better than every one before it); 0 before the first. */
  bestEpoch: z.number().int().min(0),
  /** Its monitored figure; null before the first epoch. */
  bestValue: z.number().nullable(),
  /** The figure early stopping last counted as an improvement (by more than minDelta). */
  referenceValue: z.number().nullable(),
  /** Epochs since then. */
  epochsWithoutImprovement: z.number().int().min(0),
})
export type SelectionState = z.infer<typeof selectionStateSchema>

/** Selection before any epoch. */
export const INITIAL_SELECTION: SelectionState = {
  bestEpoch: 0,
  bestValue: null,
  referenceValue: null,
  epochsWithoutImprovement: 0,
}

/** The monitored figure of an epoch. */
export function monitoredValue(config: Pick<SelectionConfig, 'monitor'>, figures: ValidationFigures): number {
  return config.monitor === 'val_loss' ? figures.valLoss : figures.valAccuracy
}

/** Whether `value` beats `reference` by more than `delta` in the monitor's direction. */
function improves(
  config: Pick<SelectionConfig, 'monitor'>,
  value: number,
  reference: number | null,
  delta: number,
): boolean {
  if (reference === null) return true
  return config.monitor === 'val_loss' ? value < reference - delta : value > reference + delta
}

/** Selection after one more epoch. */
export function selectEpoch(
  config: SelectionConfig,
  state: SelectionState,
  figures: ValidationFigures,
): SelectionState {
  const value = monitoredValue(config, figures)
  if (!Number.isFinite(value))
    return { ...state, epochsWithoutImprovement: state.epochsWithoutImprovement + 1 }
  const best = improves(config, value, state.bestValue, 0)
  const counted = improves(config, value, state.referenceValue, config.earlyStopping?.minDelta ?? 0)
  return {
    bestEpoch: best ? figures.epoch : state.bestEpoch,
    bestValue: best ? value : state.bestValue,
    referenceValue: counted ? value : state.referenceValue,
    epochsWithoutImprovement: counted ? 0 : state.epochsWithoutImprovement + 1,
  }
}

/** Selection over a run's epochs, in order. */
export function selectEpochs(config: SelectionConfig, epochs: readonly ValidationFigures[]): SelectionState {
  return epochs.reduce((state, figures) => selectEpoch(config, state, figures), INITIAL_SELECTION)
}

/** Whether early stopping ends the run now. */
export function stopsEarly(config: SelectionConfig, state: SelectionState): boolean {
  return config.earlyStopping !== null && state.epochsWithoutImprovement >= config.earlyStopping.patience
}

/** Whether the run keeps its best checkpoint apart from its latest (and tests on it). */
export function keepsBest(config: Pick<RunConfig, 'keepBest' | 'earlyStopping'>): boolean {
  return config.keepBest || config.earlyStopping !== null
}
