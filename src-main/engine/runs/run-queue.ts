/**
 * The home's run queue as requests see it (queue.list, queue.move, queue.cancel) and the runs a
 * process that died left in it, adopted by the next workbench. The line itself is `TrainerSlots`'
 * (trainer-slots.ts) over `queue.json` (queue-file.ts); RunManager owns the runs.
 */
import type { EmitEvent, QueueEntry, RunRecord, RunStatus } from '@common/contract'
import { UserError } from '../errors'
import { ActiveRun } from './active-run'
import { isOwnerAlive, moveEntry, queueEntries, type QueueFileEntry } from './queue-file'
import type { RunStore } from './store'
import type { TrainerSlot, TrainerSlots } from './trainer-slots'

/** What the queue needs of the run manager that owns the runs. */
export interface RunQueueHost {
  /** Whether this process owns the run and it waits in line. */
  queuedHere(runId: string): boolean
  ownedHere(runId: string): boolean
  stop(runId: string): Promise<RunRecord>
  /** Owns an adopted run from now on, training it once `slot` comes. */
  own(run: ActiveRun, slot: Promise<TrainerSlot>): void
}

export class RunQueue {
  constructor(
    private readonly slots: TrainerSlots,
    private readonly store: RunStore,
    private readonly emit: EmitEvent,
    private readonly host: RunQueueHost,
  ) {}

  /** The home's run queue, next first. */
  async list(): Promise<QueueEntry[]> {
    return queueEntries(await this.slots.file.read())
  }

  /** Moves a queued run to `place` in the line (1: next). */
  async move(runId: string, place: number): Promise<QueueEntry[]> {
    const moved = await this.slots.file.update((all) => {
      const next = moveEntry(all, runId, place)
      return { entries: next ?? all, result: next }
    })
    if (!moved) throw new UserError(`Run ${runId} is not in the queue.`, 'not_found', 'runId')
    this.slots.poke()
    const entries = queueEntries(moved)
    this.emit('queue.changed', { entries })
    return entries
  }

  /**
   * Takes a run out of the queue: it ends stopped, by the process that owns it (this one, or
   * another at its next look at the line); one whose owner is gone is marked stopped here.
   */
  async cancel(runId: string): Promise<QueueEntry[]> {
    if (this.host.queuedHere(runId)) {
      await this.host.stop(runId)
      return this.list()
    }
    const removed = await this.slots.file.update((all) => {
      const entry = all.find((e) => e.runId === runId)
      return { entries: entry ? all.filter((e) => e !== entry) : all, result: entry }
    })
    if (!removed) throw new UserError(`Run ${runId} is not in the queue.`, 'not_found', 'runId')
    if (!isOwnerAlive(removed.owner)) await this.markOrphan(runId, 'stopped')
    const entries = await this.list()
    this.emit('queue.changed', { entries })
    return entries
  }

  /**
   * Owns the queued plain runs whose process is gone (the queue survives a restart): each keeps
   * its place and trains when its turn comes. Those of sweeps wait for their sweep's resume.
   */
  async adopt(which: (entry: QueueFileEntry) => boolean = (e) => e.sweepId === null): Promise<string[]> {
    const orphans = (await this.slots.file.read()).filter((e) => !isOwnerAlive(e.owner) && which(e))
    const adopted: string[] = []
    for (const entry of orphans) {
      const lock = await this.store.lock(entry.runId, 'train').catch(() => null)
      if (!lock) continue // another process adopted it first, or the run is gone
      const record = await this.store.read(entry.runId).catch(() => null)
      if (!record || this.host.ownedHere(entry.runId)) {
        await lock.release()
        continue
      }
      const mode = record.checkpointEpoch > 0 ? 'resume' : 'start'
      const queued = { ...record, status: 'queued' as const }
      delete queued.error
      const run = new ActiveRun(queued, lock, mode, await this.store.metrics(entry.runId), this.store)
      void run.persist()
      const line = await this.slots.adopt(entry, (queuePlace) => {
        run.update({ queuePlace })
        this.emit('runs.status', { runId: entry.runId, status: 'queued', queuePlace })
      })
      this.host.own(run, line.slot)
      adopted.push(entry.runId)
    }
    return adopted
  }

  /** Sets the status of a run nobody owns (taken out of the queue after its process died). */
  private async markOrphan(runId: string, status: RunStatus): Promise<void> {
    const lock = await this.store.lock(runId, 'train')
    try {
      const record: RunRecord = {
        ...(await this.store.read(runId)),
        status,
        updatedAt: new Date().toISOString(),
      }
      delete record.queuePlace
      await this.store.write(record)
    } finally {
      await lock.release()
    }
    this.emit('runs.changed', { runId })
  }
}
