/**
 * A run's "training process" when workers train it: to RunManager it looks like a local trainer
 * (it says ready, takes start, resume or stop, sends messages, exits once), but starting it
 * enqueues the run's BullMQ job, its messages are the events a worker appends to the run's Redis
 * stream, and before it passes on that a checkpoint arrived, the run's files up to it are written
 * into the run's folder here. A resumed run takes its checkpoint along (uploaded as the run's
 * artifact), so any worker, even one with an empty home, goes on from it. Once the run ended it
 * collects the last files, removes the run's keys from Redis, and exits.
 */
import type { RemoteEvent, RemoteJob } from '@common/remote-run'
import { REMOTE_JOB_VERSION } from '@common/remote-run'
import type { RunRecord, RunStatus } from '@common/run-record'
import { errorMessage } from '../errors'
import type { RunPaths } from '../run-files/paths'
import type { TrainerProcess } from '../train/launch'
import type { MainToTrainer, TrainerToMain } from '../train/protocol'
import { snapshotRun, writeArtifact } from './artifact'
import type { RemoteLink } from './remote-link'

/** What a remote run tells RunManager: a trainer's ready and failed, and the worker's events. */
export type RemoteTrainerMessage =
  Extract<TrainerToMain, { type: 'ready' | 'failed' }> | { type: 'remote'; event: RemoteEvent }

/** Whether a message came from a remote run (its worker's events). */
export function isRemoteEventMessage(value: unknown): value is { type: 'remote'; event: RemoteEvent } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'remote'
}

const FINAL: readonly RunStatus[] = ['completed', 'failed', 'stopped']

/** How often a stop asks the queue again for a job its worker still holds. */
const STOP_RETRY_MS = 1000

export interface RemoteTrainerOptions {
  link: RemoteLink
  /** The run's record as it stands when it is handed to the workers. */
  record: RunRecord
  paths: RunPaths
  /** Only follow a run already on the queue (the app started again): enqueue nothing. */
  follow?: boolean
}

export class RemoteTrainer implements TrainerProcess {
  private readonly listeners: ((message: unknown) => void)[] = []
  private readonly exitListeners: ((code: number | null) => void)[] = []
  private readonly runId: string
  /** The checkpoint epoch the run's folder here holds. */
  private collected: number
  private enqueued: Promise<boolean> | null = null
  private exited = false
  /** The app stopped following the run (it closes): a stop asked before is no longer pursued. */
  private detached = false

  constructor(private readonly options: RemoteTrainerOptions) {
    this.runId = options.record.id
    this.collected = options.record.checkpointEpoch
    // Said once RunManager listens (it does so as soon as this returns).
    setImmediate(() => this.tell({ type: 'ready', pid: process.pid }))
  }

  send(message: MainToTrainer): void {
    if (message.type === 'stop') {
      void this.stop()
    } else if (!this.enqueued) {
      this.enqueued = this.options.follow ? this.followOnly() : this.enqueue(message.type === 'resume')
    }
  }

  /** A worker cannot be killed from here: the run stops at its batch boundary there, as asked. */
  kill(): void {
    // Nothing to kill here; RunManager's stop timeout waits for the worker's stop instead.
  }

  onMessage(listener: (message: unknown) => void): void {
    this.listeners.push(listener)
  }

  onExit(listener: (code: number | null) => void): void {
    this.exitListeners.push(listener)
  }

  /** Stops following (the app closes): the run keeps training, and the next start collects it. */
  detach(): void {
    this.detached = true
    this.options.link.unfollow(this.runId)
  }

  private async followOnly(): Promise<boolean> {
    this.options.link.follow(this.runId, (event) => this.apply(event))
    return true
  }

  private async enqueue(resumed: boolean): Promise<boolean> {
    const { link, record, paths } = this.options
    try {
      const job: RemoteJob = {
        version: REMOTE_JOB_VERSION,
        runId: record.id,
        name: record.name,
        createdAt: record.createdAt,
        config: record.config,
      }
      if (record.config.dataset.kind === 'folder')
        job.folder = { sha256: await link.uploadFolder(record.config.dataset.path) }
      const artifact = resumed && record.checkpointEpoch > 0 ? await snapshotRun(paths) : null
      await link.enqueue(job, artifact)
    } catch (error) {
      this.tell({
        type: 'failed',
        error: `Enqueuing the run failed: ${errorMessage(error)}`,
        userError: false,
      })
      this.exit(1)
      return false
    }
    link.follow(this.runId, (event) => this.apply(event))
    return true
  }

  private async stop(): Promise<void> {
    const enqueued = await this.enqueued
    // Stopped before it reached the queue: nothing is there to take back.
    if (!enqueued) return this.exit(null)
    // Still waiting: it leaves the queue, and ends here as stopped. Else its worker stops it at a
    // batch boundary; but a worker that died holds the job until its lock lapses, and no other
    // worker may ever come to find it stalled: asked again each second, the queue gives it back then.
    while (!this.exited && !this.detached) {
      // Redis away: the link says so in the log, and the next round asks again.
      const left = await this.options.link.cancel(this.runId).catch(() => false)
      if (left && !this.exited && !this.detached) return this.apply({ type: 'status', status: 'stopped' })
      await new Promise((resolve) => setTimeout(resolve, STOP_RETRY_MS))
    }
  }

  /** One event of the run's stream; a checkpoint is written here before it is passed on. */
  private async apply(event: RemoteEvent): Promise<void> {
    if (this.exited) return
    if (event.type === 'artifact') {
      if (await this.collect())
        this.tell({ type: 'remote', event: { ...event, checkpointEpoch: this.collected } })
      return
    }
    if (event.type !== 'status' || !FINAL.includes(event.status)) return this.tell({ type: 'remote', event })
    if (await this.collect())
      this.tell({ type: 'remote', event: { type: 'artifact', checkpointEpoch: this.collected } })
    this.tell({ type: 'remote', event })
    const { link } = this.options
    link.unfollow(this.runId)
    await link.clear(this.runId)
    this.exit(0)
  }

  /** Writes the run's artifact into its folder when it is newer than what the folder holds. */
  private async collect(): Promise<boolean> {
    const artifact = await this.options.link.artifact(this.runId)
    if (!artifact || artifact.checkpointEpoch <= this.collected) return false
    await writeArtifact(this.options.paths, artifact)
    this.collected = artifact.checkpointEpoch
    return true
  }

  private tell(message: RemoteTrainerMessage): void {
    for (const listener of this.listeners) listener(message)
  }

  private exit(code: number | null): void {
    if (this.exited) return
    this.exited = true
    this.options.link.unfollow(this.runId)
    for (const listener of this.exitListeners) listener(code)
  }
}
