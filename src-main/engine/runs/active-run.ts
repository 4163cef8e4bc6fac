/** What the main side holds of a run while its training process lives. */
import type { BatchProgress, EpochMetrics, RunRecord, RunStatus } from '@common/contract'
import type { ProcessLock } from '../process-lock'
import type { TrainerProcess } from '../train/launch'

/** The latest per-batch samples of the epoch in progress kept per run (earlier epochs' are on disk). */
export const MAX_BATCHES = 600

export interface ActiveRun {
  record: RunRecord
  /** The run's lock, held from before the process starts until its last write. */
  lock: ProcessLock
  process: TrainerProcess
  mode: 'start' | 'resume'
  metrics: EpochMetrics[]
  batches: BatchProgress[]
  ready: boolean
  started: boolean
  stopRequested: boolean
  outcome: { status: RunStatus; error?: string } | null
  /** Writes of the run's files, one after the other; they never reject. */
  writes: Promise<void>
  /** Why the last failed write failed, reported when the run ends. */
  writeError: string | null
  done: Promise<RunRecord>
  resolveDone: (record: RunRecord) => void
}
