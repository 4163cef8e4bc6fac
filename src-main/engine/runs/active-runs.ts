/**
 * The runs this process owns, from the moment one is queued or trains until its training process
 * ended: the line for a trainer slot, the process whose messages become events and `run.json`,
 * a stop, and the end (the final record, then the slot and the lock given back). RunManager
 * answers the requests; this follows the runs.
 */
import type { EmitEvent, RunRecord, RunStatus } from '@common/contract'
import { errorMessage } from '../errors'
import { isRemoteEventMessage } from '../remote/remote-trainer'
import type { LaunchTrainer, TrainerProcess } from '../train/launch'
import { isTrainerToMain } from '../train/protocol'
import type { ActiveRun } from './active-run'
import { applyRemoteEvent } from './remote-messages'
import { applyTrainerMessage } from './trainer-messages'
import { LeftQueue, type TrainerSlot, type TrainerSlots } from './trainer-slots'

/** What the owned runs are trained with. */
export interface ActiveRunsOptions {
  home: string
  emit: EmitEvent
  /** The home's trainer slots, whose line a run waits in. */
  slots: TrainerSlots
  /** How a training process is started. */
  launch: LaunchTrainer
  /** How long a stopping process may take to reach a batch boundary before it is killed. */
  stopTimeoutMs: number
  /** How long a data-parallel replica waits for the others in one step; the trainer's default when absent. */
  replicaStepTimeoutMs?: number
}

/** The runs this process owns (queued or training), each followed until it ends. */
export class ActiveRuns {
  /** The owned runs by id; one leaves once its end is written, before its slot and lock go back. */
  readonly byId = new Map<string, ActiveRun>()

  constructor(private readonly options: ActiveRunsOptions) {}

  /** Owns the run from now on: trains it in `slot`, or puts it in line for one. */
  async begin(run: ActiveRun, slot: TrainerSlot | null): Promise<RunRecord> {
    const { emit } = this.options
    const id = run.record.id
    this.byId.set(id, run)
    emit('runs.changed', { runId: id })
    if (slot) {
      emit('runs.status', { runId: id, status: 'running' })
      this.train(run, slot)
      return run.record
    }
    const onPlace = (queuePlace: number) => {
      run.update({ queuePlace })
      emit('runs.status', { runId: id, status: 'queued', queuePlace })
    }
    try {
      const line = await this.options.slots.wait(
        id,
        { name: run.record.name, sweepId: run.record.sweep?.id ?? null },
        onPlace,
      )
      run.leaveQueue = line.cancel
      this.afterLine(run, line.slot)
    } catch (error) {
      void this.end(run, { status: 'failed', error: errorMessage(error) })
    }
    return run.record
  }

  /** Owns a run adopted from the home's line (a dead process left it there), training it once `slot` comes. */
  adopt(run: ActiveRun, slot: Promise<TrainerSlot>): void {
    this.byId.set(run.record.id, run)
    this.afterLine(run, slot)
  }

  /** Asks an owned run to stop: at once while it is queued, else at its next batch boundary. */
  async stop(run: ActiveRun): Promise<RunRecord> {
    run.stopRequested = true
    const process = run.process
    if (!process) {
      // Still in line: it leaves it. (Given its slot meanwhile, it stops before its trainer starts.)
      if (run.leaveQueue?.()) void this.end(run, { status: 'stopped' })
      return run.done
    }
    if (run.ready) process.send({ type: 'stop' })
    const timer = setTimeout(() => process.kill(), this.options.stopTimeoutMs)
    try {
      return await run.done
    } finally {
      clearTimeout(timer)
    }
  }

  /** Starts the training process of a run that holds its lock and a trainer slot (a remote run needs none). */
  train(run: ActiveRun, slot: TrainerSlot | null, launch: () => TrainerProcess = this.options.launch): void {
    run.slot = slot
    let process: TrainerProcess
    try {
      process = launch()
    } catch (error) {
      void this.end(run, {
        status: 'failed',
        error: `The training process could not start: ${errorMessage(error)}`,
      })
      return
    }
    run.process = process
    const { emit, home, replicaStepTimeoutMs } = this.options
    const context = { emit, home, replicaStepTimeoutMs }
    process.onMessage((message) => {
      if (isTrainerToMain(message)) applyTrainerMessage(run, process, message, context)
      else if (isRemoteEventMessage(message)) applyRemoteEvent(run, message.event, emit)
    })
    process.onExit((code) => void this.end(run, run.exitOutcome(code)))
  }

  /** Trains a run in line once its slot comes; one cancelled from the line ends stopped. */
  private afterLine(run: ActiveRun, slot: Promise<TrainerSlot>): void {
    slot.then(
      (given) => {
        run.leaveQueue = null
        if (run.stopRequested) return void given.release().then(() => this.end(run, { status: 'stopped' }))
        run.update({ status: 'running', queuePlace: undefined })
        this.options.emit('runs.status', { runId: run.record.id, status: 'running' })
        this.train(run, given)
      },
      (error: unknown) =>
        void this.end(
          run,
          error instanceof LeftQueue
            ? { status: 'stopped' }
            : { status: 'failed', error: errorMessage(error) },
        ),
    )
  }

  /** The run is over (or never started): its final record and events, then its slot and lock given back. */
  private async end(run: ActiveRun, outcome: { status: RunStatus; error?: string }): Promise<void> {
    const { emit } = this.options
    const record = run.update({ status: outcome.status, error: outcome.error, queuePlace: undefined })
    await run.settled()
    const error =
      record.error ?? (run.writeError ? `Saving the run's files failed: ${run.writeError}` : undefined)
    emit('runs.status', { runId: record.id, status: record.status, ...(error ? { error } : {}) })
    emit('runs.changed', { runId: record.id })
    // Only now may the next run take the trainer: its events come after this one's.
    this.byId.delete(record.id)
    await run.release()
  }
}
