/**
 * The runs of the main side: starts a training process per run, turns its messages into events
 * and into `run.json` (which only this class writes while a run trains), and answers the run
 * requests. It never touches tensors.
 */
import type { EmitEvent, EpochMetrics, RunDetails, RunListItem, RunRecord } from '@common/contract'
import type { RunConfig } from '@common/schemas'
import { summarizeMetrics } from '@common/summary'
import { checkAugmentation } from '../data/augment'
import { UserError, errorMessage } from '../errors'
import { planLayers } from '../model/architecture'
import { resumableCheckpointEpoch } from '../run-files/checkpoint-check'
import { defaultTrainerLaunch, type LaunchTrainer, type TrainerProcess } from '../train/launch'
import { isTrainerToMain, type TrainerToMain } from '../train/protocol'
import { MAX_BATCHES, type ActiveRun } from './active-run'
import { batchCurve } from './batch-curve'
import {
  checkDatasetWithLoader,
  checkValidationSplit,
  defaultRunName,
  type CheckDataset,
  type DatasetFacts,
} from './dataset-facts'
import type { ProcessLock } from '../process-lock'
import { RunStore } from './store'

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
}

export class RunManager {
  private readonly store: RunStore
  private readonly emit: EmitEvent
  private readonly launch: LaunchTrainer
  private readonly checkDataset: CheckDataset
  private readonly stopTimeoutMs: number
  private readonly active = new Map<string, ActiveRun>()
  private readonly resuming = new Set<string>()

  constructor(private readonly options: RunManagerOptions) {
    this.store = new RunStore(options.home)
    this.emit = options.emit
    this.launch = options.launch ?? defaultTrainerLaunch()
    this.checkDataset = options.checkDataset ?? checkDatasetWithLoader
    this.stopTimeoutMs = options.stopTimeoutMs ?? 15_000
  }

  /** Validates the data set and the network, creates the run and starts training it. */
  async start(config: RunConfig): Promise<RunRecord> {
    const facts = await this.validate(config)
    const now = new Date().toISOString()
    const { record, lock } = await this.store.create(
      {
        name: config.name || defaultRunName(config, facts),
        createdAt: now,
        updatedAt: now,
        status: 'running',
        config,
        dataset: {
          ref: config.dataset,
          title: facts.title,
          trainCount: facts.trainCount,
          testCount: facts.testCount,
        },
        backend: null,
        summary: null,
        checkpointEpoch: 0,
      },
      'train',
    )
    this.emit('runs.changed', { runId: record.id })
    this.emit('runs.status', { runId: record.id, status: 'running' })
    return this.spawn(record, lock, 'start', [])
  }

  /** Asks a training run to stop at its next batch boundary; resolves with the stopped record. */
  async stop(id: string): Promise<RunRecord> {
    const run = this.active.get(id)
    if (!run) {
      const record = await this.effectiveRecord(await this.store.read(id))
      const where = record.status === 'running' ? ' here; another window or command is training it' : ''
      throw new UserError(`Run ${id} is not training${where}.`, 'conflict', 'id')
    }
    run.stopRequested = true
    if (run.ready) run.process.send({ type: 'stop' })
    const timer = setTimeout(() => run.process.kill(), this.stopTimeoutMs)
    try {
      return await run.done
    } finally {
      clearTimeout(timer)
    }
  }

  /** Continues a stopped, interrupted or failed run from its last checkpoint. */
  async resume(id: string): Promise<RunRecord> {
    if (this.active.has(id) || this.resuming.has(id)) {
      throw new UserError(`Run ${id} is already training.`, 'conflict', 'id')
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
      const resumed: RunRecord = { ...record, status: 'running', updatedAt: new Date().toISOString() }
      delete resumed.error
      await this.store.write(resumed)
      this.emit('runs.status', { runId: id, status: 'running' })
      this.emit('runs.changed', { runId: id })
      return await this.spawn(resumed, lock, 'resume', await this.store.metrics(id))
    } catch (error) {
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
      // This process trains it and writes its record: the next write carries the name.
      active.record = { ...active.record, name: trimmed, updatedAt: new Date().toISOString() }
      record = active.record
      await this.persist(active)
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
    if (this.active.has(id))
      throw new UserError(`Run ${id} is training; stop it before deleting it.`, 'conflict', 'id')
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

  /** Resolves with the final record once the run's training process has ended. */
  async waitFor(id: string): Promise<RunRecord> {
    const active = this.active.get(id)
    if (active) return active.done
    return this.effectiveRecord(await this.store.read(id))
  }

  /** Stops every run (killing those that do not stop in time) and waits for them. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.stop(id)))
  }

  private async validate(config: RunConfig): Promise<DatasetFacts> {
    const facts = await this.checkDataset(config, this.options.home)
    planLayers(config.architecture, [facts.rows, facts.cols, 1], facts.classCount)
    checkAugmentation(config.augmentation, config.dataset, facts.title)
    checkValidationSplit(config.validationSplit, facts.trainCount)
    return facts
  }

  /** A record as it stands: `running` with no live process holding its lock means interrupted. */
  private async effectiveRecord(record: RunRecord): Promise<RunRecord> {
    if (record.status !== 'running' || this.active.has(record.id)) return record
    if (await this.store.isLocked(record.id)) return record
    return { ...record, status: 'interrupted', error: record.error ?? 'The training process is gone.' }
  }

  /** Starts the training process of a run whose lock this process holds; it keeps the lock until the end. */
  private async spawn(
    record: RunRecord,
    lock: ProcessLock,
    mode: ActiveRun['mode'],
    history: EpochMetrics[],
  ): Promise<RunRecord> {
    let resolveDone!: (record: RunRecord) => void
    const done = new Promise<RunRecord>((resolve) => (resolveDone = resolve))
    let process: TrainerProcess
    try {
      process = this.launch()
    } catch (error) {
      const failed: RunRecord = {
        ...record,
        status: 'failed',
        error: `The training process could not start: ${errorMessage(error)}`,
        updatedAt: new Date().toISOString(),
      }
      await this.store.write(failed)
      await lock.release()
      this.emit('runs.status', { runId: record.id, status: 'failed', error: failed.error })
      return failed
    }
    const run: ActiveRun = {
      record,
      lock,
      process,
      mode,
      metrics: history,
      batches: [],
      ready: false,
      started: false,
      stopRequested: false,
      outcome: null,
      writes: Promise.resolve(),
      writeError: null,
      done,
      resolveDone,
    }
    this.active.set(record.id, run)
    process.onMessage((message) => {
      if (isTrainerToMain(message)) this.onMessage(run, message)
    })
    process.onExit((code) => void this.onExit(run, code))
    return record
  }

  private onMessage(run: ActiveRun, message: TrainerToMain): void {
    const id = run.record.id
    switch (message.type) {
      case 'ready':
        run.ready = true
        if (run.stopRequested) run.process.send({ type: 'stop' })
        else {
          // Absent settings stay undefined, which the trainer reads as its defaults.
          const { home, replicaStepTimeoutMs } = this.options
          run.process.send({ type: run.mode, runId: id, home, replicaStepTimeoutMs })
        }
        return
      case 'started':
        run.started = true
        run.metrics = message.history
        this.update(run, {
          backend: message.backend,
          dataset: message.dataset,
          checkpointEpoch: message.startEpoch - 1,
          summary: summarizeMetrics(message.history, run.record.config),
        })
        this.enqueue(run, () => run.lock.setChild(message.pid))
        this.emit('runs.changed', { runId: id })
        return
      case 'progress': {
        const last = run.batches.at(-1)
        if (last && last.epoch !== message.progress.epoch) run.batches = []
        run.batches.push(message.progress)
        if (run.batches.length > MAX_BATCHES) run.batches.splice(0, run.batches.length - MAX_BATCHES)
        this.emit('runs.progress', message.progress)
        return
      }
      case 'epoch':
        run.metrics = [...run.metrics.filter((m) => m.epoch < message.metrics.epoch), message.metrics]
        this.update(run, {
          checkpointEpoch: message.checkpointEpoch,
          summary: summarizeMetrics(run.metrics, run.record.config),
        })
        this.emit('runs.epoch', {
          runId: id,
          metrics: message.metrics,
          epochs: message.epochs,
          etaMs: message.etaMs,
        })
        return
      case 'test':
        this.update(run, { summary: summarizeMetrics(run.metrics, run.record.config, message.result) })
        this.emit('runs.changed', { runId: id })
        return
      case 'finished':
        run.outcome = { status: message.status }
        return
      case 'failed':
        run.outcome = { status: 'failed', error: message.error }
        return
    }
  }

  private async onExit(run: ActiveRun, code: number | null): Promise<void> {
    const outcome =
      run.outcome ??
      (run.stopRequested
        ? { status: 'stopped' as const }
        : run.started
          ? {
              status: 'interrupted' as const,
              error: `The training process ended unexpectedly (${exitText(code)}).`,
            }
          : {
              status: 'failed' as const,
              error: `The training process ended before training began (${exitText(code)}).`,
            })
    const record = this.update(run, { status: outcome.status, error: outcome.error })
    this.active.delete(record.id)
    this.enqueue(run, () => run.lock.release())
    await run.writes
    const error =
      record.error ?? (run.writeError ? `Saving the run's files failed: ${run.writeError}` : undefined)
    this.emit('runs.status', { runId: record.id, status: record.status, ...(error ? { error } : {}) })
    this.emit('runs.changed', { runId: record.id })
    run.resolveDone(record)
  }

  /** Changes the in-memory record and queues its write. */
  private update(run: ActiveRun, patch: Partial<RunRecord>): RunRecord {
    const record: RunRecord = { ...run.record, ...patch, updatedAt: new Date().toISOString() }
    if (patch.error === undefined && 'error' in patch) delete record.error
    run.record = record
    void this.persist(run)
    return record
  }

  private persist(run: ActiveRun): Promise<void> {
    // The record is read when the write runs, so the last write always holds the latest state.
    return this.enqueue(run, () => this.store.write(run.record))
  }

  /** Runs a file task after the run's earlier ones; a failure is kept for the final status. */
  private enqueue(run: ActiveRun, task: () => Promise<void>): Promise<void> {
    run.writes = run.writes.then(task).catch((error: unknown) => {
      run.writeError = errorMessage(error)
    })
    return run.writes
  }
}

function exitText(code: number | null): string {
  return code === null ? 'killed' : `exit code ${code}`
}
