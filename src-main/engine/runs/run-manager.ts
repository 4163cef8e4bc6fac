/**
 * The runs of the main side: answers the run requests (start, stop, resume, list, get, edit,
 * delete), checking each before it writes. The runs it owns are followed by ActiveRuns
 * (active-runs.ts: a training process per run, or the line until a trainer is free, its messages
 * turned into events and into `run.json`, which only this process writes while it owns a run), and
 * those that workers train by RemoteRuns (remote-runs.ts). It never touches tensors.
 */
import { availableParallelism, totalmem } from 'node:os'
import type { EmitEvent, RunDetails, RunListItem, RunRecord } from '@common/contract'
import { defaultMaxTrainers } from '@common/limits'
import type { RunNotesChange } from '@common/run-notes'
import type { WorkerHeartbeat } from '@common/remote-run'
import type { BackendPreference, RunConfig } from '@common/schemas'
import type { RunSweepRef } from '@common/sweep'
import { UserError } from '../errors'
import { RemoteTrainer } from '../remote/remote-trainer'
import { resumableCheckpointEpoch } from '../run-files/checkpoint-check'
import { defaultTrainerLaunch, type LaunchTrainer } from '../train/launch'
import { ActiveRun } from './active-run'
import { ActiveRuns } from './active-runs'
import { batchCurve } from './batch-curve'
import { checkRunConfig, type ConfigCheckEnvironment } from './config-check'
import { checkDatasetWithLoader, newRunDraft, type CheckDataset } from './dataset-facts'
import { machineMemoryEnvironment, type MemoryEnvironment } from './memory-check'
import { RemoteRuns } from './remote-runs'
import { resumableRecord } from './resume-check'
import { effectiveRecord } from './run-ownership'
import { RunStore } from './store'
import { TrainerSlots, type TrainerSlot } from './trainer-slots'
import { RunQueue } from './run-queue'

/** What a RunManager is built with: its home and event sink, and what tests or the shells replace. */
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
  /** The backend, cores and memory a run's memory estimate is checked against; defaults to this machine. */
  memoryEnvironment?: (preference: BackendPreference) => Promise<MemoryEnvironment>
  /**
   * The Redis server (redis:// or rediss:// URL) whose workers train the runs started or resumed
   * from now on; read at each start and resume. Null or absent: they train here.
   */
  redisUrl?: () => string | null
  /** What the Redis queue has to say (Redis away and back, an event not collected); never a credential. */
  log?: (line: string) => void
}

/** The runs of one home as requests see them: started, stopped, resumed, read, edited, deleted. */
export class RunManager {
  private readonly store: RunStore
  private readonly emit: EmitEvent
  /** What a configuration is checked with before a run is created or resumed. */
  private readonly checks: ConfigCheckEnvironment
  private readonly queue: TrainerSlots
  /** The home's run queue: list, reorder, cancel, adopt what a dead process left. */
  readonly runQueue: RunQueue
  /** The runs this manager owns (queued or training), followed until they end. */
  private readonly runs: ActiveRuns
  /** The owned runs by id (`runs.byId`). */
  private readonly active: ReadonlyMap<string, ActiveRun>
  private readonly resuming = new Set<string>()
  /** The runs that workers train, and the Redis connections they go through. */
  private readonly remote: RemoteRuns

  constructor(options: RunManagerOptions) {
    this.store = new RunStore(options.home)
    this.emit = options.emit
    this.checks = {
      home: options.home,
      emit: this.emit,
      checkDataset: options.checkDataset ?? checkDatasetWithLoader,
      memoryEnvironment: options.memoryEnvironment ?? machineMemoryEnvironment,
    }
    const cap = () => options.maxTrainers?.() ?? defaultMaxTrainers(availableParallelism(), totalmem())
    this.queue = new TrainerSlots({
      home: options.home,
      cap,
      onChange: (entries) => this.emit('queue.changed', { entries }),
    })
    this.runs = new ActiveRuns({
      home: options.home,
      emit: this.emit,
      slots: this.queue,
      launch: options.launch ?? defaultTrainerLaunch(),
      stopTimeoutMs: options.stopTimeoutMs ?? 15_000,
      replicaStepTimeoutMs: options.replicaStepTimeoutMs,
    })
    this.active = this.runs.byId
    this.runQueue = new RunQueue(this.queue, this.store, this.emit, {
      queuedHere: (runId) => this.active.get(runId)?.record.status === 'queued',
      ownedHere: (runId) => this.active.has(runId),
      stop: (runId) => this.stop(runId),
      own: (run, slot) => this.runs.adopt(run, slot),
    })
    this.remote = new RemoteRuns({
      store: this.store,
      emit: this.emit,
      active: this.runs.byId,
      train: (run, launch) => this.runs.train(run, null, launch),
      redisUrl: options.redisUrl,
      log: options.log,
    })
  }

  /** Validates the data set and the network, creates the run and trains it, or queues it. */
  async start(asked: RunConfig, options: { sweep?: RunSweepRef } = {}): Promise<RunRecord> {
    const link = this.remote.link()
    const facts = await checkRunConfig(asked, this.checks, link !== null)
    // A folder's input is recorded as chosen (its defaults filled in), so the run reads it so again.
    const config: RunConfig = { ...asked, dataset: facts.ref }
    const sweep = options.sweep ? { sweep: options.sweep } : {}
    if (link) {
      const created = await this.store.create(
        { ...newRunDraft(config, facts, 'queued'), ...sweep, remote: true },
        'train',
      )
      return this.remote.begin(new ActiveRun(created.record, created.lock, 'start', [], this.store), link)
    }
    const slot = await this.queue.tryTake('a new run')
    let created: Awaited<ReturnType<RunStore['create']>>
    try {
      created = await this.store.create(
        { ...newRunDraft(config, facts, slot ? 'running' : 'queued'), ...sweep },
        'train',
      )
    } catch (error) {
      await slot?.release()
      throw error
    }
    return this.runs.begin(new ActiveRun(created.record, created.lock, 'start', [], this.store), slot)
  }

  /** Refuses a configuration that could not train here (data set, network, memory), as start would. */
  async check(config: RunConfig): Promise<void> {
    await checkRunConfig(config, this.checks, this.remote.link() !== null)
  }

  /** Asks a run to stop: at once while it is queued, else at its next batch boundary. */
  async stop(id: string): Promise<RunRecord> {
    const run = this.active.get(id)
    if (!run) {
      const record = await this.effectiveRecord(await this.store.read(id))
      const where = record.status === 'running' ? ' here; another window or command is training it' : ''
      throw new UserError(`Run ${id} is not training${where}.`, 'conflict', 'id')
    }
    return this.runs.stop(run)
  }

  /**
   * Continues a stopped, interrupted or failed run from its last checkpoint (or queues it);
   * with `epochs`, one that ended too, on to that many epochs in all.
   */
  async resume(id: string, options: { epochs?: number } = {}): Promise<RunRecord> {
    const owned = this.active.get(id)
    if (owned || this.resuming.has(id)) {
      const state = owned?.record.status === 'queued' ? 'queued' : 'training'
      throw new UserError(`Run ${id} is already ${state}.`, 'conflict', 'id')
    }
    this.resuming.add(id)
    try {
      return await this.resumeChecked(id, options.epochs)
    } finally {
      this.resuming.delete(id)
    }
  }

  private async resumeChecked(id: string, epochs?: number): Promise<RunRecord> {
    // A run nobody trains is checked first, so that its lock is never taken for nothing.
    await this.store.read(id)
    const lock = await this.store.lock(id, 'train')
    let slot: TrainerSlot | null = null
    try {
      // Read again under the lock: the process that held it may have changed the run.
      const record = resumableRecord(await this.effectiveRecord(await this.store.read(id)), epochs)
      const link = this.remote.link()
      await checkRunConfig(record.config, this.checks, link !== null)
      // Checked here too, before anything is written, so that a refused resume changes no file.
      await resumableCheckpointEpoch(this.store.paths(id).checkpoints, record.checkpointEpoch, id)
      // A remote run takes no trainer here: its checkpoint goes along with the job, so any worker,
      // even one with an empty home, goes on from it.
      if (!link) slot = await this.queue.tryTake(id)
      const resumed: RunRecord = {
        ...record,
        status: slot ? 'running' : 'queued',
        updatedAt: new Date().toISOString(),
      }
      delete resumed.error
      // It trains where it is resumed, whatever trained it before.
      if (link) resumed.remote = true
      else delete resumed.remote
      await this.store.write(resumed)
      const run = new ActiveRun(resumed, lock, 'resume', await this.store.metrics(id), this.store)
      return link ? this.remote.begin(run, link) : await this.runs.begin(run, slot)
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

  /** Gives a run another name (trimmed; never empty); a run that trains keeps training. */
  async rename(id: string, name: string): Promise<RunRecord> {
    const trimmed = name.trim()
    if (!trimmed) throw new UserError('A run needs a name.', 'invalid', 'name')
    return this.change(id, { name: trimmed }, 'rename')
  }

  /** Replaces a run's notes, its tags, or both; a run that trains keeps training. */
  async updateNotes(id: string, change: RunNotesChange): Promise<RunRecord> {
    const patch: RunNotesChange = {}
    if (change.notes !== undefined) patch.notes = change.notes
    if (change.tags !== undefined) patch.tags = change.tags
    return this.change(id, patch, 'update')
  }

  /** Writes what a person changed of a run's record (name, notes, tags) and tells the lists. */
  private async change(
    id: string,
    patch: Partial<Pick<RunRecord, 'name' | 'notes' | 'tags'>>,
    why: 'rename' | 'update',
  ): Promise<RunRecord> {
    const active = this.active.get(id)
    let record: RunRecord
    if (active) {
      // This process owns it and writes its record: the next write carries the change.
      record = active.update(patch)
      await active.persist()
    } else {
      await this.store.read(id)
      const lock = await this.store.lock(id, why)
      try {
        record = { ...(await this.store.read(id)), ...patch, updatedAt: new Date().toISOString() }
        await this.store.write(record)
        record = await this.effectiveRecord(record)
      } finally {
        await lock.release()
      }
    }
    this.emit('runs.changed', { runId: id })
    return record
  }

  /**
   * Deletes a run's folder; a run this manager trains or holds in line is stopped first (its
   * process has ended, or it left the line, before the folder goes). Refuses a run another
   * window or command holds.
   */
  async delete(id: string): Promise<{ id: string }> {
    if (this.active.has(id)) await this.stop(id)
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

  /**
   * Stops every run trained here (killing those that do not stop in time) and waits for them.
   * Runs that workers train keep training: this process stops collecting them, and the next
   * one's `collectRemoteRuns` goes on.
   */
  async shutdown(): Promise<void> {
    await Promise.all(
      [...this.active.values()].map((run) =>
        run.process instanceof RemoteTrainer
          ? this.remote.detach(run, run.process)
          : this.stop(run.record.id),
      ),
    )
    await this.remote.close()
  }

  /**
   * Collects the runs of this home that workers train and no process follows (the app was closed
   * meanwhile): each is followed again from the start of its Redis stream, so what finished while
   * the app was away reaches its folder first. The app calls it at start, and whenever the Redis
   * server setting changes; returns the ids it took up (none while no server is named).
   */
  async collectRemoteRuns(): Promise<string[]> {
    return this.remote.collect()
  }

  /** The workers of the Redis server `redisUrl` names that said they are alive lately; none without one. */
  async workers(): Promise<WorkerHeartbeat[]> {
    return this.remote.workers()
  }

  /** A record as it stands: queued or running with no live process holding its lock means interrupted. */
  private effectiveRecord(record: RunRecord): Promise<RunRecord> {
    return effectiveRecord(record, this.active.has(record.id), (id) => this.store.isLocked(id))
  }
}
