/**
 * A worker: takes runs from the BullMQ queue on Redis and trains each in this machine's home with
 * the ordinary RunManager (so each run trains in its own training process, and BullMQ's job lock
 * keeps being renewed by this process's free event loop). It reports the run's events on the
 * run's stream and, after every epoch, the run's files up to that checkpoint as the run's artifact.
 * Stopping the worker (SIGINT, SIGTERM) stops its runs at a batch boundary, sends their last
 * checkpoint and hands the jobs back to the queue, where any worker resumes them.
 */
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import type { EventChannel, EventPayload } from '@common/contract'
import { describeBadJob, remoteJobSchema, type RemoteJob, type WorkerHeartbeat } from '@common/remote-run'
import type { WorkerPlace } from '@common/run-record'
import type { BackendPreference } from '@common/schemas'
import { errorMessage } from '../errors'
import { runPaths } from '../run-files/paths'
import { RunManager } from '../runs'
import type { LaunchTrainer } from '../train'
import { artifactFromHash, snapshotRun } from './artifact'
import { fetchDataset } from './dataset-transfer'
import { HEARTBEAT_MS, KEY_PREFIX, RUN_QUEUE, WORKERS_KEY, runKeys } from './keys'
import { prepareRunFolder } from './prepare-run'
import { redisOptions } from './redis-url'
import { RunChannel } from './run-channel'

export interface RemoteWorkerOptions {
  redisUrl: string
  /** The worker's name in the app (default: the host's name). */
  name?: string
  /** Where it keeps the runs it trains (and the data sets it caches). */
  home: string
  /** The backend its runs train on, whatever the run's own setting says. */
  backend: BackendPreference
  /** Runs at once. */
  concurrency: number
  /** How long a worker that stopped answering keeps a run before another takes it (default 30 s). */
  stallMs?: number
  /** What the worker has to say (taken runs, their ends); never a credential. */
  log: (line: string) => void
  launch?: LaunchTrainer
}

/** What a worker does for one run it holds. */
interface HeldRun {
  channel: RunChannel
  /** The run's writes to Redis, one after the other. */
  writes: Promise<unknown>
  lostLock: boolean
}

/** How often a worker looks whether the app asked it to stop a run. */
const STOP_POLL_MS = 500

export class RemoteWorker {
  readonly place: WorkerPlace
  readonly id: string
  private readonly redis: Redis
  private readonly worker: Worker
  private readonly manager: RunManager
  private readonly held = new Map<string, HeldRun>()
  private readonly heartbeatTimer: NodeJS.Timeout
  private backendUsed: { name: string; device: string } | null = null
  private closing = false
  private unreachable = false

  constructor(private readonly options: RemoteWorkerOptions) {
    const host = hostname()
    this.place = { name: options.name ?? host, host }
    this.id = `${this.place.name}@${host}:${process.pid}:${randomBytes(3).toString('hex')}`
    const connection = redisOptions(options.redisUrl)
    this.redis = new Redis(connection)
    // ioredis retries while Redis is away: the log says so once, and once more when it is back.
    this.redis.on('error', (error: Error) => this.redisDown(error))
    this.redis.on('ready', () => {
      if (this.unreachable) options.log('Redis is reachable again.')
      this.unreachable = false
    })
    this.manager = new RunManager({
      home: options.home,
      emit: (channel, payload) => this.forward(channel, payload),
      maxTrainers: () => options.concurrency,
      launch: options.launch,
    })
    const stallMs = options.stallMs ?? 30_000
    this.worker = new Worker(RUN_QUEUE, (job, token) => this.process(job, token ?? ''), {
      connection,
      prefix: KEY_PREFIX,
      concurrency: options.concurrency,
      lockDuration: stallMs,
      stalledInterval: Math.max(1000, Math.round(stallMs / 2)),
      // A run may be found stalled a few times (workers killed one after another) and still finish.
      maxStalledCount: 10,
    })
    this.worker.on('error', (error) => this.redisDown(error))
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS)
    void this.heartbeat()
  }

  /** Resolves once the worker listens on the queue. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady()
  }

  /** Stops taking runs, stops those it trains, sends their last checkpoint and hands them back. */
  async close(): Promise<void> {
    this.closing = true
    clearInterval(this.heartbeatTimer)
    const closed = this.worker.close()
    await this.manager.shutdown()
    await closed
    // Redis away: the heartbeat ages out of the list by itself.
    await this.redis.hdel(WORKERS_KEY, this.id).catch(() => undefined)
    this.redis.disconnect()
  }

  private async process(job: Job, token: string): Promise<{ epochs: number }> {
    const parsed = remoteJobSchema.safeParse(job.data)
    const lockKey = `${KEY_PREFIX}:${RUN_QUEUE}:${job.id}:lock`
    if (!parsed.success) {
      const sentence = describeBadJob(parsed.error)
      this.options.log(`Refused job ${job.id}: ${sentence}`)
      if (job.id)
        await new RunChannel(this.redis, job.id, lockKey, token).event({
          type: 'status',
          status: 'failed',
          error: sentence,
        })
      throw new UnrecoverableError(sentence)
    }
    const id = parsed.data.runId
    const held: HeldRun = {
      channel: new RunChannel(this.redis, id, lockKey, token),
      writes: Promise.resolve(),
      lostLock: false,
    }
    this.held.set(id, held)
    // Announced at once, not at the next beat: the app's list shows where a run went as it starts.
    void this.heartbeat()
    try {
      const hash = await this.redis.hgetallBuffer(runKeys(id).artifact)
      const artifact = artifactFromHash(hash)
      this.send(held, { type: 'claimed', worker: this.place, attempt: job.attemptsMade + 1 })
      try {
        const remote = await this.withLocalDataset(parsed.data)
        await prepareRunFolder(this.options.home, remote, artifact, this.options.backend)
        this.options.log(
          `Took run ${id} (${remote.name}) from epoch ${(artifact?.checkpointEpoch ?? 0) + 1}.`,
        )
        await this.manager.resume(id)
      } catch (error) {
        // Refused before training (its data set, its memory): the same on any worker.
        const sentence = errorMessage(error)
        this.options.log(`Run ${id} refused: ${sentence}`)
        await held.channel.event({ type: 'status', status: 'failed', error: sentence })
        throw new UnrecoverableError(sentence)
      }
      const stopWatch = setInterval(() => void this.stopIfAsked(id), STOP_POLL_MS)
      const final = await this.manager.waitFor(id).finally(() => clearInterval(stopWatch))
      this.sync(id)
      await held.writes
      if (held.lostLock) throw new Error(`Run ${id} was taken by another worker meanwhile.`)
      this.options.log(`Run ${id} ${final.status}${final.error ? `: ${final.error}` : ''}.`)
      if (final.status === 'stopped' && this.closing) {
        await held.channel.event({ type: 'status', status: 'queued' })
        await job.moveToWait(token)
        throw new WaitingError()
      }
      // A run that failed fails anywhere; an interrupted trainer (a crash) is worth another attempt.
      const retried = final.status === 'interrupted' && job.attemptsMade + 1 < (job.opts.attempts ?? 1)
      const status = final.status === 'interrupted' && !retried ? 'failed' : final.status
      await held.channel.event({ type: 'status', status, ...(final.error ? { error: final.error } : {}) })
      if (status === 'completed' || status === 'stopped') return { epochs: final.checkpointEpoch }
      const reason = final.error ?? `The run ended ${final.status}.`
      throw retried ? new Error(reason) : new UnrecoverableError(reason)
    } finally {
      this.held.delete(id)
      void this.heartbeat()
      // Redis holds the run now; a copy left here is rebuilt from there if this worker takes it again.
      await rm(runPaths(this.options.home, id).dir, { recursive: true, force: true }).catch(() => undefined)
    }
  }

  /** The job with its folder data set's path here: the copy in this home, fetched once by its SHA-256. */
  private async withLocalDataset(job: RemoteJob): Promise<RemoteJob> {
    const { dataset } = job.config
    if (!job.folder || dataset.kind !== 'folder') return job
    const { folder, fetched } = await fetchDataset(this.redis, this.options.home, job.folder.sha256)
    if (fetched) this.options.log(`Fetched data set ${job.folder.sha256.slice(0, 12)} into ${folder}.`)
    return { ...job, config: { ...job.config, dataset: { ...dataset, path: folder } } }
  }

  /** Stops the run when the app asked for it (its stop key is set). */
  private async stopIfAsked(id: string): Promise<void> {
    // Redis away: asked again at the next poll. A run that already ended needs no stop.
    const asked = await this.redis.exists(runKeys(id).stop).catch(() => 0)
    if (asked) await this.manager.stop(id).catch(() => undefined)
  }

  /** The RunManager's events of a held run, as stream events. */
  private forward<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    const runId = (payload as { runId?: string }).runId
    const held = runId ? this.held.get(runId) : undefined
    if (!held || !runId) return
    if (channel === 'runs.progress') {
      this.send(held, { type: 'progress', progress: payload as EventPayload<'runs.progress'> })
    } else if (channel === 'runs.epoch') {
      const { metrics, epochs, etaMs } = payload as EventPayload<'runs.epoch'>
      this.send(held, { type: 'epoch', metrics, epochs, etaMs })
      this.sync(runId)
    } else if (channel === 'runs.changed') {
      this.sendRecord(runId, held)
    } else if (channel === 'runs.status') {
      const { status } = payload as EventPayload<'runs.status'>
      if (status === 'running') this.send(held, { type: 'status', status })
    }
  }

  private send(held: HeldRun, event: Parameters<RunChannel['event']>[0]): void {
    this.enqueue(held, () => held.channel.event(event))
  }

  private enqueue(held: HeldRun, write: () => Promise<boolean>): void {
    held.writes = held.writes.then(write).then(
      (written) => {
        if (!written) held.lostLock = true
      },
      (error: unknown) => this.options.log(`Writing to Redis failed: ${errorMessage(error)}`),
    )
  }

  /** Sends the run's record as its trainer reports it (backend, data set, summary). */
  private sendRecord(runId: string, held: HeldRun): void {
    this.enqueue(held, async () => {
      const { record } = await this.manager.get(runId, { batches: false })
      if (record.backend && this.backendUsed?.device !== record.backend.device) {
        this.backendUsed = { name: record.backend.name, device: record.backend.device }
        void this.heartbeat()
      }
      return held.channel.event({
        type: 'record',
        backend: record.backend,
        dataset: record.dataset,
        summary: record.summary,
      })
    })
  }

  /** Sends the run's files up to its newest checkpoint, then its record. */
  private sync(runId: string): void {
    const held = this.held.get(runId)
    if (!held) return
    this.enqueue(held, async () =>
      held.channel.artifact(await snapshotRun(runPaths(this.options.home, runId))),
    )
    this.sendRecord(runId, held)
  }

  private redisDown(error: Error): void {
    if (this.unreachable) return
    this.unreachable = true
    this.options.log(`Redis cannot be reached (${errorMessage(error)}); retrying every second.`)
  }

  private async heartbeat(): Promise<void> {
    const beat: WorkerHeartbeat = {
      id: this.id,
      ...this.place,
      pid: process.pid,
      backend: this.backendUsed?.name ?? this.options.backend,
      device: this.backendUsed?.device ?? 'not known before its first run',
      runs: [...this.held.keys()],
      concurrency: this.options.concurrency,
      at: new Date().toISOString(),
    }
    // Redis away: the next heartbeat tries again.
    await this.redis.hset(WORKERS_KEY, this.id, JSON.stringify(beat)).catch(() => undefined)
  }
}
