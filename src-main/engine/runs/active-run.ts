/**
 * What the main side holds of a run from the moment it owns it (queued or training) until its
 * training process ended: the record it alone writes meanwhile, the run's lock, its trainer slot,
 * the process, and the live figures.
 */
import type { BatchProgress, EpochMetrics, RunRecord, RunStatus } from '@common/contract'
import { errorMessage } from '../errors'
import type { ProcessLock } from '../process-lock'
import type { TrainerProcess } from '../train/launch'
import type { RunStore } from './store'
import type { TrainerSlot } from './trainer-slots'

/** The latest per-batch samples of the epoch in progress kept per run (earlier epochs' are on disk). */
export const MAX_BATCHES = 600

export class ActiveRun {
  /** The training process, once the run has a trainer slot. */
  process: TrainerProcess | null = null
  slot: TrainerSlot | null = null
  /** Leaves the line of runs waiting for a slot; false once the slot was given. */
  leaveQueue: (() => boolean) | null = null
  metrics: EpochMetrics[]
  batches: BatchProgress[] = []
  ready = false
  started = false
  stopRequested = false
  outcome: { status: RunStatus; error?: string } | null = null
  /** Why the last failed write failed, reported when the run ends. */
  writeError: string | null = null
  /** Writes of the run's files, one after the other; they never reject. */
  private writes: Promise<void> = Promise.resolve()
  readonly done: Promise<RunRecord>
  private resolveDone!: (record: RunRecord) => void

  constructor(
    public record: RunRecord,
    /** The run's lock, held from before the run is queued until its last write. */
    readonly lock: ProcessLock,
    readonly mode: 'start' | 'resume',
    history: EpochMetrics[],
    private readonly store: RunStore,
  ) {
    this.metrics = history
    this.done = new Promise<RunRecord>((resolve) => (this.resolveDone = resolve))
  }

  /** Changes the record and queues its write; `error` or `queuePlace` given as undefined are removed. */
  update(patch: Partial<RunRecord>): RunRecord {
    const record: RunRecord = { ...this.record, ...patch, updatedAt: new Date().toISOString() }
    for (const key of ['error', 'queuePlace'] as const)
      if (key in patch && patch[key] === undefined) delete record[key]
    this.record = record
    void this.persist()
    return record
  }

  /** Queues a write of the record as it stands when the write runs, so the last write holds the latest. */
  persist(): Promise<void> {
    return this.enqueue(() => this.store.write(this.record))
  }

  /** Runs a file task after the run's earlier ones; a failure is kept for the final status. */
  enqueue(task: () => Promise<void>): Promise<void> {
    this.writes = this.writes.then(task).catch((error: unknown) => {
      this.writeError = errorMessage(error)
    })
    return this.writes
  }

  /** Resolves once every write queued so far is done (or failed). */
  settled(): Promise<void> {
    return this.enqueue(async () => undefined)
  }

  /** Gives back the run's trainer slot and its lock, after its writes, and resolves `done`. */
  async release(): Promise<void> {
    await this.enqueue(async () => {
      await this.slot?.release()
      await this.lock.release()
    })
    this.resolveDone(this.record)
  }

  /** How the run ended, from what its process said (or did not say) and how it exited. */
  exitOutcome(code: number | null): { status: RunStatus; error?: string } {
    if (this.outcome) return this.outcome
    if (this.stopRequested) return { status: 'stopped' }
    const how = code === null ? 'killed' : `exit code ${code}`
    return this.started
      ? { status: 'interrupted', error: `The training process ended unexpectedly (${how}).` }
      : { status: 'failed', error: `The training process ended before training began (${how}).` }
  }
}
