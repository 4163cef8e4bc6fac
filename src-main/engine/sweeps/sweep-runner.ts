/**
 * Runs sweeps: proposes trials (samplers.ts), starts each as an ordinary run carrying the sweep's
 * id (so it waits in the home's queue like any run), follows its epochs, stops it at a rung when
 * the pruner says so, and keeps `sweep.json` up to date. The process running a sweep holds its
 * lock; a sweep whose process died reads as interrupted, and `resume` goes on from where it was:
 * finished trials are kept, unfinished ones resume from their checkpoints, new ones follow until
 * the sweep has its trial count.
 *
 * The state of a trial is read back from its run (`RunManager.get`) whenever a run's status or
 * epoch event arrives, and every second: an event missed changes nothing.
 */
import type { EmitEvent, EpochMetrics, EventChannel, SweepDetails, SweepListItem } from '@common/contract'
import {
  sweepTrialCount,
  trialConfig,
  type SweepConfig,
  type SweepRecord,
  type SweepTrial,
} from '@common/sweep'
import { UserError, errorMessage } from '../errors'
import type { ProcessLock } from '../process-lock'
import type { RunManager } from '../runs'
import { pruneReason } from './pruners'
import { createSampler, type Sampler } from './samplers'
import { SweepStore } from './sweep-store'
import { best, isCrashed, metricOf, trialState, withoutReason, type PruneDecision } from './trial-state'

export interface SweepRunnerOptions {
  home: string
  runs: RunManager
  emit: EmitEvent
  /** How often a running sweep looks at its trials and for a stop asked by another process. */
  pollMs?: number
}

/** A sweep this process runs. */
interface Driven {
  record: SweepRecord
  lock: ProcessLock
  sampler: Sampler
  stopping: boolean
  /** Trials told to stop by the pruner: run id to the sentence saying why, and the epoch. */
  pruning: Map<string, PruneDecision>
  wake: () => void
  done: Promise<SweepRecord>
}

const ACTIVE: readonly SweepTrial['state'][] = ['queued', 'running']

export class SweepRunner {
  readonly store: SweepStore
  private readonly driven = new Map<string, Driven>()
  private readonly pollMs: number

  constructor(private readonly options: SweepRunnerOptions) {
    this.store = new SweepStore(options.home)
    this.pollMs = options.pollMs ?? 1000
  }

  /** Hears every event of the runs, so a sweep looks at its trials when one of them moves on. */
  observe(channel: EventChannel, payload: unknown): void {
    if (channel !== 'runs.status' && channel !== 'runs.epoch') return
    const runId = (payload as { runId: string }).runId
    for (const d of this.driven.values()) if (d.record.trials.some((t) => t.runId === runId)) d.wake()
  }

  /** Creates a sweep and runs it; resolves once it is recorded, with its first trials under way. */
  async start(config: SweepConfig): Promise<SweepRecord> {
    // The base must train here at all; each trial's own settings are checked when it starts.
    await this.options.runs.check(trialConfig(config.base, {}))
    const now = new Date().toISOString()
    const { record, lock } = await this.store.create({
      name: config.name || `${config.method} sweep over ${Object.keys(config.parameters).join(', ')}`,
      createdAt: now,
      updatedAt: now,
      status: 'running',
      config,
      trialCount: sweepTrialCount(config),
      trials: [],
    })
    this.drive(record, lock)
    return record
  }

  /** Goes on with a stopped or interrupted sweep (or one given more epochs for a trial). */
  async resume(id: string): Promise<SweepRecord> {
    if (this.driven.has(id)) throw new UserError(`Sweep ${id} is already running.`, 'conflict', 'id')
    const lock = await this.store.lock(id)
    try {
      const record = await this.store.read(id)
      const unfinished = record.trials.some((t) => ACTIVE.includes(t.state) || t.state === 'stopped')
      if (record.trials.length >= record.trialCount && !unfinished && !record.trials.some(isCrashed)) {
        throw new UserError(`Sweep ${id} already has its ${record.trialCount} trials.`, 'conflict', 'id')
      }
      await this.store.clearStop(id)
      const resumed: SweepRecord = { ...record, status: 'running', updatedAt: new Date().toISOString() }
      delete resumed.error
      await this.store.write(resumed)
      this.drive(resumed, lock)
      return resumed
    } catch (error) {
      await lock.release()
      throw error
    }
  }

  /** Stops a sweep: its training trials stop (to resume later), no new ones are proposed. */
  async stop(id: string): Promise<SweepRecord> {
    const d = this.driven.get(id)
    if (d) {
      d.stopping = true
      d.wake()
      return d.done
    }
    const record = await this.store.read(id)
    if (record.status === 'running') {
      // Another process runs it: it sees the request within a second.
      await this.store.requestStop(id)
      return record
    }
    if (record.status !== 'interrupted') {
      throw new UserError(`Sweep ${id} is not running (it is ${record.status}).`, 'conflict', 'id')
    }
    const lock = await this.store.lock(id)
    try {
      const stopped: SweepRecord = { ...record, status: 'stopped', updatedAt: new Date().toISOString() }
      await this.store.write(stopped)
      this.options.emit('sweeps.changed', { sweepId: id })
      return stopped
    } finally {
      await lock.release()
    }
  }

  /** Gives a completed, pruned or stopped trial more epochs (`epochs` in all) and trains them. */
  async extend(id: string, number: number, epochs: number): Promise<SweepRecord> {
    const d = this.driven.get(id)
    const record = d?.record ?? (await this.store.read(id))
    const trial = record.trials.find((t) => t.number === number)
    if (!trial?.runId)
      throw new UserError(`Sweep ${id} has no trial ${number} with a run.`, 'not_found', 'trial')
    if (!['completed', 'pruned', 'stopped'].includes(trial.state)) {
      throw new UserError(
        `Trial ${number} is ${trial.state}; only a finished, pruned or stopped one can be given more epochs.`,
        'conflict',
        'trial',
      )
    }
    if (epochs <= trial.epochs) {
      throw new UserError(
        `Trial ${number} already trains for ${trial.epochs} epochs; give it more.`,
        'invalid',
        'epochs',
      )
    }
    if (d) {
      await this.options.runs.resume(trial.runId, { epochs })
      Object.assign(trial, { epochs, state: 'queued', reason: undefined, prunedAt: undefined })
      d.pruning.delete(trial.runId)
      d.wake()
      return d.record
    }
    const lock = await this.store.lock(id)
    try {
      const fresh = await this.store.read(id)
      const extended: SweepRecord = {
        ...fresh,
        status: 'running',
        updatedAt: new Date().toISOString(),
        trials: fresh.trials.map((t) =>
          t.number === number ? withoutReason({ ...t, epochs, state: 'stopped' }) : t,
        ),
      }
      delete extended.error
      await this.store.write(extended)
      this.drive(extended, lock)
      return extended
    } catch (error) {
      await lock.release()
      throw error
    }
  }

  async list(): Promise<SweepListItem[]> {
    const items = await this.store.list()
    return items.map((item) => {
      const d = this.driven.get(item.id)
      return d ? { id: item.id, damaged: false, record: d.record } : item
    })
  }

  /** A sweep's record and each trial's epochs. */
  async get(id: string): Promise<SweepDetails> {
    const record = this.driven.get(id)?.record ?? (await this.store.read(id))
    const metrics: Record<string, EpochMetrics[]> = {}
    for (const trial of record.trials) {
      if (!trial.runId) continue
      metrics[trial.runId] = await this.options.runs.get(trial.runId, { batches: false }).then(
        (details) => details.metrics,
        (error: unknown) => {
          // A trial's run deleted by hand has no curve; anything else is a real failure.
          if (error instanceof UserError && error.code === 'not_found') return []
          throw error
        },
      )
    }
    return { record, metrics }
  }

  /** The record of a sweep this process runs, as it stands now. */
  current(id: string): SweepRecord | null {
    return this.driven.get(id)?.record ?? null
  }

  /** Resolves with a sweep's final record once this process has finished running it. */
  async waitFor(id: string): Promise<SweepRecord> {
    return this.driven.get(id)?.done ?? this.store.read(id)
  }

  /** Stops every sweep this process runs, so each can be resumed later. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.driven.keys()].map((id) => this.stop(id)))
  }

  private drive(record: SweepRecord, lock: ProcessLock): void {
    let wake: () => void = () => undefined
    const d: Driven = {
      record,
      lock,
      sampler: createSampler(record.config, record.trialCount),
      stopping: false,
      pruning: new Map(),
      wake: () => wake(),
      done: Promise.resolve(record),
    }
    const nextWake = () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    this.driven.set(record.id, d)
    d.done = this.loop(d, nextWake).finally(() => this.driven.delete(record.id))
    this.options.emit('sweeps.changed', { sweepId: record.id })
  }

  private async loop(d: Driven, nextWake: () => Promise<void>): Promise<SweepRecord> {
    const { config, trialCount } = d.record
    try {
      await this.revive(d)
      for (;;) {
        if (this.store.stopRequested(d.record.id)) d.stopping = true
        if (d.stopping) break
        await this.reconcile(d)
        const active = d.record.trials.filter((t) => ACTIVE.includes(t.state))
        if (active.length < config.concurrency && d.record.trials.length < trialCount) {
          await this.propose(d)
          continue
        }
        if (active.length === 0) break
        await nextWake()
      }
      if (d.stopping) await this.stopTrials(d)
      await this.save(d, { status: d.stopping ? 'stopped' : 'completed' })
    } catch (error) {
      await this.save(d, { status: 'failed', error: errorMessage(error) })
    } finally {
      await this.store.clearStop(d.record.id)
      await d.lock.release()
    }
    return d.record
  }

  /** Starts the sampler's next trial as a run of the sweep. */
  private async propose(d: Driven): Promise<void> {
    const number = d.record.trials.length + 1
    const history = d.record.trials.map((t) => ({
      params: t.params,
      state: t.state,
      value: t.value,
      epochsDone: t.values.length,
    }))
    const params = d.sampler(number, history)
    const trial: SweepTrial = {
      number,
      runId: null,
      params,
      state: 'queued',
      epochs: d.record.config.base.epochs,
      values: [],
      value: null,
    }
    d.record.trials.push(trial)
    await this.save(d)
    await this.startTrial(d, trial)
  }

  /** Creates the run of a trial that has none yet; a configuration refused fails the trial alone. */
  private async startTrial(d: Driven, trial: SweepTrial): Promise<void> {
    try {
      const name = `${d.record.name} · trial ${trial.number}`
      const config = trialConfig(d.record.config.base, trial.params, name.slice(0, 100))
      const run = await this.options.runs.start(config, { sweep: { id: d.record.id, trial: trial.number } })
      Object.assign(trial, { runId: run.id, state: run.status === 'running' ? 'running' : 'queued' })
    } catch (error) {
      if (!(error instanceof UserError)) throw error
      Object.assign(trial, { state: 'failed', reason: error.message })
    }
    await this.save(d)
  }

  /** After a restart: trials left unfinished go on from their checkpoints, or start if they never did. */
  private async revive(d: Driven): Promise<void> {
    for (const trial of d.record.trials) {
      if (!(ACTIVE.includes(trial.state) || trial.state === 'stopped' || isCrashed(trial))) continue
      if (!trial.runId) {
        await this.startTrial(d, trial)
        continue
      }
      const { record, metrics } = await this.options.runs.get(trial.runId, { batches: false })
      trial.values = metrics.map((m) => metricOf(d.record.config, m))
      trial.value = best(d.record.config, trial.values)
      if (record.status === 'completed' && trial.epochs <= record.config.epochs) {
        Object.assign(trial, withoutReason({ ...trial, state: 'completed' }))
        continue
      }
      if (record.status === 'running' || record.status === 'queued') continue // this process owns it already
      const more = trial.epochs > record.config.epochs ? { epochs: trial.epochs } : {}
      const resumed = await this.options.runs.resume(trial.runId, more)
      Object.assign(
        trial,
        withoutReason({ ...trial, state: resumed.status === 'running' ? 'running' : 'queued' }),
      )
    }
    await this.save(d)
  }

  /** Reads every unfinished trial's run: its epochs, whether to prune it, and how it ended. */
  private async reconcile(d: Driven): Promise<void> {
    let changed = false
    const { config } = d.record
    for (const trial of d.record.trials) {
      if (!ACTIVE.includes(trial.state) || !trial.runId) continue
      const { record, metrics } = await this.options.runs.get(trial.runId, { batches: false })
      const values = metrics.map((m) => metricOf(config, m))
      if (values.length !== trial.values.length) {
        trial.values = values
        trial.value = best(config, values)
        changed = true
        const others = d.record.trials.filter((t) => t !== trial).map((t) => t.values)
        const reason = d.pruning.has(trial.runId)
          ? null
          : pruneReason(config.early_terminate, config.metric, { epochs: trial.epochs, values }, others)
        if (reason && record.status === 'running') {
          d.pruning.set(trial.runId, { reason, epoch: values.length })
          void this.options.runs.stop(trial.runId).catch((error: unknown) => {
            // It ended on its own meanwhile: how it ended is read at the next look.
            if (!(error instanceof UserError)) throw error
          })
        }
      }
      const pruned = d.pruning.get(trial.runId)
      const state = trialState(record.status, record.error, pruned)
      if (state.state !== trial.state) {
        Object.assign(trial, state)
        changed = true
      }
    }
    if (changed) await this.save(d)
  }

  /** Stops the trials under way (the sweep stops); each can resume from its checkpoint. */
  private async stopTrials(d: Driven): Promise<void> {
    for (const trial of d.record.trials) {
      if (!ACTIVE.includes(trial.state) || !trial.runId) continue
      await this.options.runs.stop(trial.runId).catch((error: unknown) => {
        if (!(error instanceof UserError)) throw error
      })
    }
    await this.reconcile(d)
    for (const trial of d.record.trials) if (ACTIVE.includes(trial.state)) trial.state = 'stopped'
  }

  private async save(d: Driven, patch: Partial<SweepRecord> = {}): Promise<void> {
    d.record = { ...d.record, ...patch, updatedAt: new Date().toISOString() }
    await this.store.write(d.record)
    this.options.emit('sweeps.changed', { sweepId: d.record.id })
  }
}
