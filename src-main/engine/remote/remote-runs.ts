/**
 * The app's side of the workers: it enqueues runs on the BullMQ queue and collects what the
 * workers report on each run's Redis stream into its own run store (`<home>/runs/<id>/`): the
 * live events for the views, and after each epoch the run's files up to that checkpoint, so the
 * folder here stays the complete record, inspectable and resumable locally. The app never accepts
 * a connection; it only reaches Redis. A run collected to its end has its Redis keys removed.
 */
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import type { EmitEvent, RunRecord, RunStatus } from '@common/contract'
import {
  REMOTE_JOB_VERSION,
  remoteEventSchema,
  workerHeartbeatSchema,
  type RemoteEvent,
  type RemoteJob,
  type WorkerHeartbeat,
} from '@common/remote-run'
import type { RunConfig } from '@common/schemas'
import { UserError, errorMessage } from '../errors'
import type { ProcessLock } from '../process-lock'
import { checkDatasetWithLoader, newRunDraft, type CheckDataset } from '../runs/dataset-facts'
import { RunStore } from '../runs/store'
import { artifactFromHash, writeArtifact } from './artifact'
import { HEARTBEAT_MS, KEY_PREFIX, RUN_QUEUE, WORKERS_KEY, runKeys } from './keys'
import { redisOptions } from './redis-url'

export interface RemoteRunsOptions {
  home: string
  redisUrl: string
  emit: EmitEvent
  /** Failures of collecting (Redis away, a file not written); never a credential. */
  log: (line: string) => void
  checkDataset?: CheckDataset
  /** Attempts of a run whose trainer crashed before it counts as failed (default 3). */
  attempts?: number
}

/** The adapter the app's queue sees: enqueue a run, follow it to its end. */
export interface RunQueue {
  /** Creates the run here (queued) and puts it on the queue. */
  start(config: RunConfig): Promise<RunRecord>
  /** Asks a run to stop; resolves with its record once it stopped. */
  stop(id: string): Promise<RunRecord>
  /** The run's record once it ended (completed, failed, stopped). */
  waitFor(id: string): Promise<RunRecord>
  close(): Promise<void>
}

/** A run this app collects: its record as written here, where its stream was read to. */
interface Followed {
  record: RunRecord
  lock: ProcessLock
  streamId: string
  writes: Promise<void>
  done: Promise<RunRecord>
  resolve: (record: RunRecord) => void
}

const FINAL: readonly RunStatus[] = ['completed', 'failed', 'stopped']

export class RemoteRuns implements RunQueue {
  private readonly store: RunStore
  private readonly queue: Queue
  private readonly redis: Redis
  /** XREAD blocks its connection: it gets its own. */
  private readonly reader: Redis
  private readonly followed = new Map<string, Followed>()
  private closed = false
  private unreachable = false
  private readonly loop: Promise<void>

  constructor(private readonly options: RemoteRunsOptions) {
    this.store = new RunStore(options.home)
    const connection = redisOptions(options.redisUrl)
    this.queue = new Queue(RUN_QUEUE, { connection, prefix: KEY_PREFIX })
    this.redis = new Redis(connection)
    this.reader = new Redis(connection)
    // ioredis retries while Redis is away: the log says so once, and once more when it is back.
    for (const client of [this.queue, this.redis, this.reader])
      client.on('error', (error: Error) => this.redisDown(error))
    this.redis.on('ready', () => {
      if (this.unreachable) options.log('Redis is reachable again.')
      this.unreachable = false
    })
    this.loop = this.readLoop()
  }

  async start(config: RunConfig): Promise<RunRecord> {
    const facts = await (this.options.checkDataset ?? checkDatasetWithLoader)(config, this.options.home)
    const { record, lock } = await this.store.create(
      { ...newRunDraft(config, facts, 'queued'), remote: true },
      'train',
    )
    const job: RemoteJob = {
      version: REMOTE_JOB_VERSION,
      runId: record.id,
      name: record.name,
      createdAt: record.createdAt,
      config,
    }
    try {
      // The run's id is the job's: enqueuing a run twice leaves one job.
      await this.queue.add('train', job, {
        jobId: record.id,
        attempts: this.options.attempts ?? 3,
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      })
    } catch (error) {
      await this.store.write({
        ...record,
        status: 'failed',
        error: `Enqueuing the run failed: ${errorMessage(error)}`,
      })
      await lock.release()
      throw error
    }
    this.follow(record, lock)
    this.options.emit('runs.changed', { runId: record.id })
    return record
  }

  /**
   * Follows again every run of the home that workers train and no process here collects (the app
   * was closed meanwhile): what they finished while it was away is collected first.
   */
  async recover(): Promise<string[]> {
    const recovered: string[] = []
    for (const item of await this.store.list()) {
      if (item.damaged || !item.record.remote || FINAL.includes(item.record.status)) continue
      if (this.followed.has(item.id) || (await this.store.isLocked(item.id))) continue
      const lock = await this.store.lock(item.id, 'train')
      this.follow(await this.store.read(item.id), lock)
      recovered.push(item.id)
    }
    return recovered
  }

  /**
   * Asks for a run to stop: a run still waiting leaves the queue at once; one a worker trains
   * stops at its next batch boundary there, keeping its finished epochs.
   */
  async stop(id: string): Promise<RunRecord> {
    const run = this.followed.get(id)
    if (!run) throw new UserError(`Run ${id} is not training on a worker for this app.`, 'conflict', 'id')
    // A waiting job is removed (1); an active one is locked by its worker and stays (0).
    if ((await this.queue.remove(id)) === 1) {
      run.writes = run.writes.then(() => this.finish(run, 'stopped'))
    } else {
      await this.redis.set(runKeys(id).stop, '1')
    }
    return run.done
  }

  /** The workers that said they are alive in the last three heartbeats, by name. */
  async workers(): Promise<WorkerHeartbeat[]> {
    const beats = Object.values(await this.redis.hgetall(WORKERS_KEY))
    const recent = Date.now() - 3 * HEARTBEAT_MS
    return beats
      .map((text) => workerHeartbeatSchema.safeParse(JSON.parse(text)))
      .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
      .filter((beat) => Date.parse(beat.at) >= recent)
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  }

  /** The record of a run this app collects, as written last; null for another run. */
  current(id: string): RunRecord | null {
    return this.followed.get(id)?.record ?? null
  }

  waitFor(id: string): Promise<RunRecord> {
    const run = this.followed.get(id)
    return run ? run.done : this.store.read(id)
  }

  /** Stops collecting (runs keep training on the workers; the next start collects them). */
  async close(): Promise<void> {
    this.closed = true
    this.reader.disconnect()
    await this.loop
    for (const run of this.followed.values()) {
      await run.writes
      await run.lock.release()
    }
    this.followed.clear()
    await this.queue.close()
    this.redis.disconnect()
  }

  private redisDown(error: Error): void {
    if (this.unreachable) return
    this.unreachable = true
    this.options.log(`Redis cannot be reached (${errorMessage(error)}); retrying every second.`)
  }

  private follow(record: RunRecord, lock: ProcessLock): void {
    let resolve!: (record: RunRecord) => void
    const done = new Promise<RunRecord>((r) => (resolve = r))
    this.followed.set(record.id, { record, lock, streamId: '0', writes: Promise.resolve(), done, resolve })
  }

  /** Reads every followed run's stream, in order, and applies each event. */
  private async readLoop(): Promise<void> {
    while (!this.closed) {
      const runs = [...this.followed.entries()]
      if (runs.length === 0) {
        await new Promise((r) => setTimeout(r, 200))
        continue
      }
      let answer: [string, [string, string[]][]][] | null
      try {
        answer = (await this.reader.xread(
          'COUNT',
          1000,
          'BLOCK',
          500,
          'STREAMS',
          ...runs.map(([id]) => runKeys(id).events),
          ...runs.map(([, run]) => run.streamId),
        )) as [string, [string, string[]][]][] | null
      } catch (error) {
        if (this.closed) return
        this.redisDown(error as Error)
        await new Promise((r) => setTimeout(r, 500))
        continue
      }
      for (const [key, entries] of answer ?? []) {
        const id = runs.find(([runId]) => runKeys(runId).events === key)?.[0]
        const run = id ? this.followed.get(id) : undefined
        if (!run) continue
        for (const [entryId, fields] of entries) {
          run.streamId = entryId
          const parsed = remoteEventSchema.safeParse(JSON.parse(fields[1] ?? 'null'))
          if (!parsed.success) {
            this.options.log(`Run ${run.record.id}: an event that is not one of the contract was skipped.`)
            continue
          }
          run.writes = run.writes.then(() => this.apply(run, parsed.data))
        }
        await run.writes
      }
    }
  }

  /** One event of a run: live events go to the views, files and record to the run's folder. */
  private async apply(run: Followed, event: RemoteEvent): Promise<void> {
    const id = run.record.id
    const { emit } = this.options
    try {
      switch (event.type) {
        case 'claimed':
          await this.update(run, { worker: event.worker })
          emit('runs.changed', { runId: id })
          return
        case 'record':
          await this.update(run, {
            backend: event.backend ?? run.record.backend,
            dataset: event.dataset ?? run.record.dataset,
            summary: event.summary ?? run.record.summary,
          })
          return
        case 'progress':
          emit('runs.progress', { ...event.progress, runId: id })
          return
        case 'epoch':
          emit('runs.epoch', { runId: id, metrics: event.metrics, epochs: event.epochs, etaMs: event.etaMs })
          return
        case 'artifact':
          await this.collect(run)
          return
        case 'status':
          if (FINAL.includes(event.status)) return await this.finish(run, event.status, event.error)
          await this.update(run, { status: event.status === 'interrupted' ? 'queued' : event.status })
          emit('runs.status', { runId: id, status: run.record.status })
      }
    } catch (error) {
      this.options.log(`Run ${id}: collecting an event failed: ${errorMessage(error)}`)
    }
  }

  /** Writes the run's artifact into its folder when it is newer than what the folder holds. */
  private async collect(run: Followed): Promise<void> {
    const artifact = artifactFromHash(await this.redis.hgetallBuffer(runKeys(run.record.id).artifact))
    if (!artifact || artifact.checkpointEpoch <= run.record.checkpointEpoch) return
    await writeArtifact(this.store.paths(run.record.id), artifact)
    await this.update(run, { checkpointEpoch: artifact.checkpointEpoch })
  }

  private async finish(run: Followed, status: RunStatus, error?: string): Promise<void> {
    const id = run.record.id
    await this.collect(run)
    await this.update(run, { status, ...(error ? { error } : {}) })
    this.options.emit('runs.status', { runId: id, status, ...(error ? { error } : {}) })
    this.options.emit('runs.changed', { runId: id })
    const keys = runKeys(id)
    await this.redis.del(keys.events, keys.artifact, keys.stop)
    this.followed.delete(id)
    await run.lock.release()
    run.resolve(run.record)
  }

  private async update(run: Followed, patch: Partial<RunRecord>): Promise<void> {
    run.record = { ...run.record, ...patch, updatedAt: new Date().toISOString() }
    await this.store.write(run.record)
  }
}
