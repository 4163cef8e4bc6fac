/**
 * The messages between the main side and a run's training process. Plain JSON-safe objects, so
 * they cross `child_process` IPC and Electron's utilityProcess ports alike.
 *
 *   main -> trainer: start | resume (once, after `ready`), stop (any time)
 *   trainer -> main: ready, started, progress*, epoch*, test (when the run ended), then finished
 *                    or failed, then it exits
 */
import type {
  BackendReport,
  BackendUsed,
  BatchProgress,
  EpochMetrics,
  RunDatasetInfo,
} from '@common/contract'
import type { TestResult } from '@common/run-record'
import { probeAnswerSchema, type ProbeAnswer } from '../backend/webgpu/probe'

export type MainToTrainer =
  /** Train run `runId` of `home` from its first epoch. */
  | ({ type: 'start'; runId: string; home: string } & TrainerTuning)
  /** Continue run `runId` from its last checkpoint. */
  | ({ type: 'resume'; runId: string; home: string } & TrainerTuning)
  /** Finish at the next batch boundary, keeping the epochs done. */
  | { type: 'stop' }

/** Optional fields of a start or resume. */
export interface TrainerTuning {
  /** How long a data-parallel replica waits for the others in one step before the run fails (default 120 s). */
  replicaStepTimeoutMs?: number
  /**
   * The main process's GPU adapter answer, taken instead of probing again. Electron's launcher
   * adds it: in the packaged app, this process's binary cannot run the probe as Node.
   */
  gpuAdapter?: ProbeAnswer
}

export type TrainerToMain =
  /** The process listens; the main side sends start or resume now. */
  | { type: 'ready'; pid: number }
  /** Data loaded, backend chosen, model built (or restored); training begins at `startEpoch`. */
  | {
      type: 'started'
      pid: number
      backend: BackendUsed
      backendReport: BackendReport | null
      dataset: RunDatasetInfo
      startEpoch: number
      /** The epochs already done (a resumed run), as kept in metrics.jsonl. */
      history: EpochMetrics[]
    }
  | { type: 'progress'; progress: BatchProgress }
  /** An epoch is done: its line is in metrics.jsonl and its checkpoint on disk. */
  | { type: 'epoch'; metrics: EpochMetrics; epochs: number; etaMs: number | null; checkpointEpoch: number }
  /** The test set's figures on the checkpoint the run keeps, once its last epoch (or early stopping) is done. */
  | { type: 'test'; result: TestResult }
  | { type: 'finished'; status: 'completed' | 'stopped' }
  /** Training failed; `userError` when the cause is the user's to fix (e.g. a broken data file). */
  | { type: 'failed'; error: string; userError: boolean }

/** Whether a value received from the other side is a message of the main side. */
export function isMainToTrainer(value: unknown): value is MainToTrainer {
  if (typeof value !== 'object' || value === null) return false
  const message = value as Record<string, unknown>
  if (message.type === 'stop') return true
  return (
    (message.type === 'start' || message.type === 'resume') &&
    typeof message.runId === 'string' &&
    typeof message.home === 'string' &&
    isOptionalDuration(message.replicaStepTimeoutMs) &&
    (message.gpuAdapter === undefined || probeAnswerSchema.safeParse(message.gpuAdapter).success)
  )
}

function isOptionalDuration(value: unknown): boolean {
  return value === undefined || (typeof value === 'number' && value >= 0)
}

/** Whether a value received from a training process is one of its messages. */
export function isTrainerToMain(value: unknown): value is TrainerToMain {
  if (typeof value !== 'object' || value === null) return false
  const type = (value as Record<string, unknown>).type
  return ['ready', 'started', 'progress', 'epoch', 'test', 'finished', 'failed'].includes(type as string)
}
