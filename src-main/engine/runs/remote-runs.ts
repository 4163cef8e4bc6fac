/**
 * The runs of the home that workers train through a Redis queue: the connection to each Redis
 * server named so far, a run sent to the workers' queue and followed, let go at shutdown, and
 * taken up again when a closed app left it. RunManager owns the runs and asks this for the remote half.
 */
import type { EmitEvent, RunRecord } from '@common/contract'
import type { WorkerHeartbeat } from '@common/remote-run'
import { RemoteLink } from '../remote/remote-link'
import { RemoteTrainer } from '../remote/remote-trainer'
import type { TrainerProcess } from '../train/launch'
import { ActiveRun } from './active-run'
import { isOwnedStatus } from './run-ownership'
import type { RunStore } from './store'

/** What the remote runs need of the run manager that owns the runs. */
export interface RemoteRunsHost {
  store: RunStore
  emit: EmitEvent
  /** The runs the manager owns: a remote run joins it when it begins and leaves it when let go. */
  active: Map<string, ActiveRun>
  /** Follows the run's process as the manager follows a local trainer's (messages, exit, end). */
  train(run: ActiveRun, launch: () => TrainerProcess): void
  /** The Redis server (redis:// or rediss:// URL) whose workers train new runs; null: none. */
  redisUrl?: () => string | null
  /** What the Redis queue has to say; never a credential. */
  log?: (line: string) => void
}

/** The remote half of RunManager: Redis links by URL, remote runs begun, followed and let go. */
export class RemoteRuns {
  /** The connections to the Redis servers named so far, by URL. */
  private readonly links = new Map<string, RemoteLink>()

  constructor(private readonly host: RemoteRunsHost) {}

  /** The connection to the Redis server `redisUrl` names now; null when it names none. */
  link(): RemoteLink | null {
    const url = this.host.redisUrl?.() ?? null
    if (!url) return null
    let link = this.links.get(url)
    if (!link) {
      link = new RemoteLink(url, this.host.log ?? (() => undefined))
      this.links.set(url, link)
    }
    return link
  }

  /** Owns a run that workers train: its process is the queue's job, followed (or enqueued first). */
  begin(run: ActiveRun, link: RemoteLink, follow = false): RunRecord {
    const id = run.record.id
    this.host.active.set(id, run)
    this.host.emit('runs.changed', { runId: id })
    this.host.emit('runs.status', { runId: id, status: run.record.status })
    const paths = this.host.store.paths(id)
    this.host.train(run, () => new RemoteTrainer({ link, record: run.record, paths, follow }))
    return run.record
  }

  /** Stops collecting a run that workers train, leaving its record as it stands for the next process. */
  async detach(run: ActiveRun, process: RemoteTrainer): Promise<void> {
    process.detach()
    this.host.active.delete(run.record.id)
    await run.release()
  }

  /** Takes up the remote runs of the home no process follows; see RunManager.collectRemoteRuns. */
  async collect(): Promise<string[]> {
    const link = this.link()
    if (!link) return []
    const { store, active } = this.host
    const taken: string[] = []
    for (const item of await store.list()) {
      if (item.damaged || !item.record.remote || !isOwnedStatus(item.record.status)) continue
      if (active.has(item.id) || (await store.isLocked(item.id))) continue
      const lock = await store.lock(item.id, 'train')
      try {
        const record = await store.read(item.id)
        const history = await store.metrics(item.id)
        this.begin(new ActiveRun(record, lock, 'resume', history, store), link, true)
        taken.push(item.id)
      } catch (error) {
        await lock.release()
        throw error
      }
    }
    return taken
  }

  /** The workers of the Redis server `redisUrl` names that said they are alive lately; none without one. */
  async workers(): Promise<WorkerHeartbeat[]> {
    return (await this.link()?.workers()) ?? []
  }

  /** Closes every Redis connection opened so far (the runs on them were let go first). */
  async close(): Promise<void> {
    for (const link of this.links.values()) await link.close()
    this.links.clear()
  }
}
