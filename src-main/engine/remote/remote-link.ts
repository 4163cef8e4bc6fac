/**
 * The app's connection to the queue on one Redis server: it enqueues runs as BullMQ jobs, reads
 * each followed run's stream in order (one blocking XREAD for all of them), reads and clears the
 * run's keys, uploads folder data sets, and lists the workers from their heartbeats. The app never
 * accepts a connection; it only reaches Redis. What a run's events mean is remote-trainer.ts's.
 */
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { remoteEventSchema, type RemoteEvent, type RemoteJob, type WorkerHeartbeat } from '@common/remote-run'
import { errorMessage } from '../errors'
import { artifactFields, artifactFromHash, type RunArtifact } from './artifact'
import { DatasetUploads } from './dataset-transfer'
import { KEY_PREFIX, RUN_QUEUE, runKeys } from './keys'
import { redisOptions } from './redis-url'
import { readWorkers } from './worker-directory'

/** Hears a followed run's events in stream order; the next is read once it resolves. */
type EventHandler = (event: RemoteEvent) => Promise<void>

export class RemoteLink {
  private readonly queue: Queue
  private readonly redis: Redis
  /** XREAD blocks its connection: it gets its own. */
  private readonly reader: Redis
  private readonly uploads: DatasetUploads
  private readonly followed = new Map<string, { streamId: string; handle: EventHandler }>()
  private closed = false
  private unreachable = false
  private readonly loop: Promise<void>

  constructor(
    redisUrl: string,
    /** Says when Redis cannot be reached and when it can again; never a credential. */
    private readonly log: (line: string) => void,
    /** Attempts of a run whose trainer crashed before it counts as failed. */
    private readonly attempts = 3,
  ) {
    const connection = redisOptions(redisUrl)
    this.queue = new Queue(RUN_QUEUE, { connection, prefix: KEY_PREFIX })
    this.redis = new Redis(connection)
    this.reader = new Redis(connection)
    this.uploads = new DatasetUploads(this.redis)
    // ioredis retries while Redis is away: the log says so once, and once more when it is back.
    for (const client of [this.queue, this.redis, this.reader])
      client.on('error', (error: Error) => this.redisDown(error))
    this.redis.on('ready', () => {
      if (this.unreachable) log('Redis is reachable again.')
      this.unreachable = false
    })
    this.loop = this.readLoop()
  }

  /** Uploads a folder data set unless Redis holds it already; returns its SHA-256. */
  uploadFolder(folder: string): Promise<string> {
    return this.uploads.upload(folder)
  }

  /**
   * Puts a run on the queue afresh: what an earlier attempt left (events, stop request, a job kept
   * failed) goes, and the run's artifact becomes `artifact` (its checkpoint, for a resumed run).
   */
  async enqueue(job: RemoteJob, artifact: RunArtifact | null): Promise<void> {
    const keys = runKeys(job.runId)
    await this.queue.remove(job.runId)
    await this.redis.del(keys.events, keys.stop, keys.artifact)
    if (artifact) await this.redis.hset(keys.artifact, ...artifactFields(artifact))
    // The run's id is the job's: enqueuing a run twice leaves one job.
    await this.queue.add('train', job, {
      jobId: job.runId,
      attempts: this.attempts,
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    })
  }

  /** Reads the run's stream from its start, handing each event to `handle` in order. */
  follow(runId: string, handle: EventHandler): void {
    this.followed.set(runId, { streamId: '0', handle })
  }

  unfollow(runId: string): void {
    this.followed.delete(runId)
  }

  /**
   * True when the run left the queue (it was waiting, or the worker holding it died); while a live
   * worker holds it, false, and that worker is asked to stop it; false too once its job ended.
   */
  async cancel(runId: string): Promise<boolean> {
    // A waiting job is removed (1), and so is an active one whose lock lapsed: its worker died and
    // no other worker found it stalled yet. One a live worker holds is locked and stays (0). A job
    // that ended is left alone (gone once completed: removing it would "succeed"); its stream
    // says how it ended.
    const state = await this.queue.getJobState(runId)
    if (state === 'completed' || state === 'failed' || state === 'unknown') return false
    if ((await this.queue.remove(runId)) === 1) return true
    await this.redis.set(runKeys(runId).stop, '1')
    return false
  }

  /** The run's files up to its last checkpoint as a worker sent them; null before any. */
  async artifact(runId: string): Promise<RunArtifact | null> {
    return artifactFromHash(await this.redis.hgetallBuffer(runKeys(runId).artifact))
  }

  /** Removes the run's keys (it was collected to its end). */
  async clear(runId: string): Promise<void> {
    const keys = runKeys(runId)
    await this.redis.del(keys.events, keys.artifact, keys.stop)
  }

  /** The workers that said they are alive in the last three heartbeats, by name. */
  workers(): Promise<WorkerHeartbeat[]> {
    return readWorkers(this.redis)
  }

  /** Stops reading (runs keep training on the workers) and closes the connections. */
  async close(): Promise<void> {
    this.closed = true
    this.reader.disconnect()
    await this.loop
    this.followed.clear()
    await this.queue.close()
    this.redis.disconnect()
  }

  private redisDown(error: Error): void {
    if (this.unreachable) return
    this.unreachable = true
    this.log(`Redis cannot be reached (${errorMessage(error)}); retrying every second.`)
  }

  /** Reads every followed run's stream, in order, and hands each event on. */
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
        for (const [entryId, fields] of entries) {
          const run = id ? this.followed.get(id) : undefined
          if (!run) break
          run.streamId = entryId
          const parsed = remoteEventSchema.safeParse(JSON.parse(fields[1] ?? 'null'))
          if (!parsed.success) {
            this.log(`Run ${id}: an event that is not one of the contract was skipped.`)
            continue
          }
          await run
            .handle(parsed.data)
            .catch((error: unknown) =>
              this.log(`Run ${id}: collecting an event failed: ${errorMessage(error)}`),
            )
        }
      }
    }
  }
}
