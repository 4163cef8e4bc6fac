/**
 * The runs of the main side: starts a training process per run (or queues the run until a
 * trainer is free), turns its messages into events and into `run.json` (which only this class
 * writes while it owns a run), and answers the run requests. It never touches tensors.
 */
import { availableParallelism, totalmem } from 'node:os'
import type { EmitEvent, RunDetails, RunListItem, RunRecord, RunStatus } from '@common/contract'
import { defaultMaxTrainers } from '@common/limits'
import type { BackendPreference, RunConfig } from '@common/schemas'
import { checkAugmentation } from '../data/augment'
import { UserError, errorMessage } from '../errors'
import { homePaths } from '../home'
import { planLayers } from '../model/architecture'
import { resumableCheckpointEpoch } from '../run-files/checkpoint-check'
import { defaultTrainerLaunch, type LaunchTrainer, type TrainerProcess } from '../train/launch'
import { isTrainerToMain } from '../train/protocol'
import { ActiveRun } from './active-run'
import { batchCurve } from './batch-curve'
import {
  checkDatasetWithLoader,
  checkValidationSplit,
  newRunDraft,
  type CheckDataset,
  type DatasetFacts,
} from './dataset-facts'
import { checkRunMemory, machineMemoryEnvironment, type MemoryEnvironment } from './memory-check'
import { RunStore } from './store'
import { applyTrainerMessage } from './trainer-messages'
import { TrainerSlots, type TrainerQueue, type TrainerSlot } from './trainer-slots'

export interface RunManagerOptions {
  home: string
  emit: EmitEvent
  /** How a training process is started; defaults to `child_process.fork`. */
  launch?: LaunchTrainer
  /** Defaults to parsing the set with the data helper (cached per process). */
  checkDataset?: CheckDataset
  /** How long a stopping process may take to reach a batch boundary before it is killed. */
  stopTimeoutMs?: number
  /** How long a data-parallel replica waits for the others in one step; the trainer's default when absent. */
  replicaStepTimeoutMs?: number
  /** Training processes of the home at once (read for every run); null or absent: from cores and memory. */
  maxTrainers?: () => number | null
  /** Where runs get a trainer; defaults to slot locks in the home, capped by `maxTrainers`. */
  queue?: TrainerQueue
  /** The backend, cores and memory a run's memory estimate is checked against; defaults to this machine. */
  memoryEnvironment?: (preference: BackendPreference) => Promise<MemoryEnvironment>
}

export class RunManager {
  private readonly store: RunStore
  private readonly emit: EmitEvent
  private readonly launch: LaunchTrainer
  private readonly checkDataset: CheckDataset
  private readonly stopTimeoutMs: number
  private readonly queue: TrainerQueue
  private readonly memoryEnvironment: (preference: BackendPreference) => Promise<MemoryEnvironment>
  /** The runs this manager owns: queued or training. */
  private readonly active = new Map<string, ActiveRun>()
  private readonly resuming = new Set<string>()

  constructor(private readonly options: RunManagerOptions) {
    this.store = new RunStore(options.home)
    this.emit = options.emit
    this.launch = options.launch ?? defaultTrainerLaunch()
    this.checkDataset = options.checkDataset ?? checkDatasetWithLoader
    this.stopTimeoutMs = options.stopTimeoutMs ?? 15_000
    this.memoryEnvironment = options.memoryEnvironment ?? machineMemoryEnvironment
    const cap = () => options.maxTrainers?.() ?? defaultMaxTrainers(availableParallelism(), totalmem())
    this.queue = options.queue ?? new TrainerSlots(homePaths(options.home).trainers, cap)
  }

  /** Validates the data set and the network, creates the run and trains it, or queues it. */
  async start(config: RunConfig): Promise<RunRecord> {
    const facts = await this.validate(config)
    const slot = await this.queue.tryTake('a new run')
    let created: Awaited<ReturnType<RunStore['create']>>
    try {
      created = await this.store.create(newRunDraft(config, facts, slot ? 'running' : 'queued'), 'train')
    } catch (error) {
      await slot?.release()
      throw error
    }
    return this.begin(new ActiveRun(created.record, created.lock, 'start', [], this.store), slot)
  }

  /** Asks a run to stop: at once while it is queued, else at its next batch boundary. */
  async stop(id: string): Promise<RunRecord> {
    const run = this.active.get(id)
    if (!run) {
      const record = await this.effectiveRecord(await this.store.read(id))
      const where = record.status === 'running' ? ' here; another window or command is training it' : ''
      throw new UserError(`Run ${id} is not training${where}.`, 'conflict', 'id')
    }
    run.stopRequested = true
    const process = run.process
    if (!process) {
      // Still in line: it leaves it. (Given its slot meanwhile, it stops before its trainer starts.)
      if (run.leaveQueue?.()) void this.end(run, { status: 'stopped' })
      return run.done
    }
    if (run.ready) process.send({ type: 'stop' })
    const timer = setTimeout(() => process.kill(), this.stopTimeoutMs)
    try {
      return await run.done
    } finally {
      clearTimeout(timer)
    }
  }

  /** Continues a stopped, interrupted or failed run from its last checkpoint (or queues it). */
  async resume(id: string): Promise<RunRecord> {
    const owned = this.active.get(id)
    if (owned || this.resuming.has(id)) {
      const state = owned?.record.status === 'queued' ? 'queued' : 'training'
      throw new UserError(`Run ${id} is already ${state}.`, 'conflict', 'id')
    }
    this.resuming.add(id)
    try {
      return await this.resumeChecked(id)
    } finally {
      this.resuming.delete(id)
    }
  }

  private async resumeChecked(id: string): Promise<RunRecord> {
    // A run nobody trains is checked first, so that its lock is never taken for nothing.
    await this.store.read(id)
    const lock = await this.store.lock(id, 'train')
    let slot: TrainerSlot | null = null
    try {
      // Read again under the lock: the process that held it may have changed the run.
      const record = await this.effectiveRecord(await this.store.read(id))
      if (record.status === 'completed') {
        throw new UserError(
          `Run ${id} already completed its ${record.config.epochs} epochs.`,
          'conflict',
          'id',
        )
      }
      await this.validate(record.config)
      // Checked here too, before anything is written, so that a refused resume changes no file.
      await resumableCheckpointEpoch(this.store.paths(id).checkpoints, record.checkpointEpoch, id)
      slot = await this.queue.tryTake(id)
      const resumed: RunRecord = {
        ...record,
        status: slot ? 'running' : 'queued',
        updatedAt: new Date().toISOString(),
      }
      delete resumed.error
      // Resumed here, it trains here, whatever trained it before.
      delete resumed.remote
      await this.store.write(resumed)
      const history = await this.store.metrics(id)
      return await this.begin(new ActiveRun(resumed, lock, 'resume', history, this.store), slot)
    } catch (error) {
      await slot?.release()
      await lock.release()
      throw error
    }
  }

  /** Every run, newest first; damaged folders are listed as such. */
  async list(): Promise<RunListItem[]> {
    const items = await this.store.list()
    return Promise.all(
      items.map(async (item) => {
        if (item.damaged) return item
        const active = this.active.get(item.id)
        return { ...item, record: active ? active.record : await this.effectiveRecord(item.record) }
      }),
    )
  }

  /**
   * A run's record, its epochs, and its per-batch curve: the samples stored for its finished
   * epochs, then, while it trains, the live ones of the epoch in progress.
   */
  async get(id: string, options: { batches?: boolean } = {}): Promise<RunDetails> {
    const withBatches = options.batches ?? true
    const active = this.active.get(id)
    if (active) {
      const metrics = [...active.metrics]
      if (!withBatches) return { record: active.record, metrics, batches: [] }
      const stored = await this.store.metricsFile(id)
      return {
        record: active.record,
        metrics,
        batches: batchCurve(active.record, metrics, stored.batches, active.batches),
      }
    }
    const record = await this.effectiveRecord(await this.store.read(id))
    const stored = await this.store.metricsFile(id)
    // A failed run's curve runs up to where it failed; others resume the unfinished epoch anew.
    const samples = record.status === 'failed' ? [...stored.batches, ...stored.unfinished] : stored.batches
    const batches = withBatches ? batchCurve(record, stored.epochs, samples) : []
    return { record, metrics: stored.epochs, batches }
  }

  async rename(id: string, name: string): Promise<RunRecord> {
    const trimmed = name.trim()
    if (!trimmed) throw new UserError('A run needs a name.', 'invalid', 'name')
    const active = this.active.get(id)
    let record: RunRecord
    if (active) {
      // This process owns it and writes its record: the next write carries the name.
      record = active.update({ name: trimmed })
      await active.persist()
    } else {
      await this.store.read(id)
      const lock = await this.store.lock(id, 'rename')
      try {
        record = { ...(await this.store.read(id)), name: trimmed, updatedAt: new Date().toISOString() }
        await this.store.write(record)
        record = await this.effectiveRecord(record)
      } finally {
        await lock.release()
      }
    }
    this.emit('runs.changed', { runId: id })
    return record
  }

  /** Deletes a run's folder; refuses while it trains. */
  async delete(id: string): Promise<{ id: string }> {
    const owned = this.active.get(id)
    if (owned) {
      const state = owned.record.status === 'queued' ? 'queued' : 'training'
      throw new UserError(`Run ${id} is ${state}; stop it before deleting it.`, 'conflict', 'id')
    }
    await this.store.read(id).catch((error: unknown) => {
      // A damaged run can still be deleted; a missing one is reported by remove().
      if (error instanceof UserError && error.code === 'unavailable') return null
      throw error
    })
    const lock = await this.store.lock(id, 'delete')
    try {
      await this.store.remove(id)
    } finally {
      // Gone with its folder, unless removing it failed.
      await lock.release()
    }
    this.emit('runs.changed', { runId: id })
    return { id }
  }

  /** Resolves with the final record once the run's training process has ended (or it left the line). */
  async waitFor(id: string): Promise<RunRecord> {
    const active = this.active.get(id)
    if (active) return active.done
    return this.effectiveRecord(await this.store.read(id))
  }

  /** Stops every run (killing those that do not stop in time) and waits for them. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.stop(id)))
  }

  /** The data set's facts, once the data set, the network and the memory it needs all work. */
  private async validate(config: RunConfig): Promise<DatasetFacts> {
    const facts = await this.checkDataset(config, this.options.home)
    const layers = planLayers(config.architecture, [facts.rows, facts.cols, 1], facts.classCount)
    checkAugmentation(config.augmentation, config.dataset, facts.title)
    checkValidationSplit(config.validationSplit, facts.trainCount)
    checkRunMemory(config, layers, await this.memoryEnvironment(config.backend))
    return facts
  }

  /** A record as it stands: queued or running with no live process holding its lock means interrupted. */
  private async effectiveRecord(record: RunRecord): Promise<RunRecord> {
    // A remote run trains on a worker: its folder here waits for the app to collect it.
    if (!OWNED.includes(record.status) || this.active.has(record.id) || record.remote) return record
    if (await this.store.isLocked(record.id)) return record
    const error =
      record.status === 'queued' ? 'The process that queued it is gone.' : 'The training process is gone.'
    const interrupted: RunRecord = { ...record, status: 'interrupted', error: record.error ?? error }
    delete interrupted.queuePlace
    return interrupted
  }

  /** Owns the run from now on: trains it in `slot`, or puts it in line for one. */
  private begin(run: ActiveRun, slot: TrainerSlot | null): RunRecord {
    const id = run.record.id
    this.active.set(id, run)
    this.emit('runs.changed', { runId: id })
    if (slot) {
      this.emit('runs.status', { runId: id, status: 'running' })
      this.train(run, slot)
      return run.record
    }
    const line = this.queue.wait(id, (queuePlace) => {
      run.update({ queuePlace })
      this.emit('runs.status', { runId: id, status: 'queued', queuePlace })
    })
    run.leaveQueue = line.cancel
    line.slot.then(
      (given) => {
        run.leaveQueue = null
        if (run.stopRequested) return void given.release().then(() => this.end(run, { status: 'stopped' }))
        run.update({ status: 'running', queuePlace: undefined })
        this.emit('runs.status', { runId: id, status: 'running' })
        this.train(run, given)
      },
      (error: unknown) => void this.end(run, { status: 'failed', error: errorMessage(error) }),
    )
    return run.record
  }

  /** Starts the training process of a run that holds its lock and a trainer slot. */
  private train(run: ActiveRun, slot: TrainerSlot): void {
    run.slot = slot
    let process: TrainerProcess
    try {
      process = this.launch()
    } catch (error) {
      void this.end(run, {
        status: 'failed',
        error: `The training process could not start: ${errorMessage(error)}`,
      })
      return
    }
    run.process = process
    const { home, replicaStepTimeoutMs } = this.options
    const context = { emit: this.emit, home, replicaStepTimeoutMs }
    process.onMessage((message) => {
      if (isTrainerToMain(message)) applyTrainerMessage(run, process, message, context)
    })
    process.onExit((code) => void this.end(run, run.exitOutcome(code)))
  }

  /** The run is over (or never started): its final record and events, then its slot and lock given back. */
  private async end(run: ActiveRun, outcome: { status: RunStatus; error?: string }): Promise<void> {
    const record = run.update({ status: outcome.status, error: outcome.error, queuePlace: undefined })
    await run.settled()
    const error =
      record.error ?? (run.writeError ? `Saving the run's files failed: ${run.writeError}` : undefined)
    this.emit('runs.status', { runId: record.id, status: record.status, ...(error ? { error } : {}) })
    this.emit('runs.changed', { runId: record.id })
    // Only now may the next run take the trainer: its events come after this one's.
    this.active.delete(record.id)
    await run.release()
  }
}

/** The statuses of a run some process owns; left so by a process that died, the run is interrupted. */
const OWNED: readonly RunStatus[] = ['queued', 'running']
