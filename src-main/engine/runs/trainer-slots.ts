/**
 * The cap on training processes of a home, and the line of runs waiting for one. Each trainer
 * holds one of `cap` slot locks in `<home>/trainers/` (process-lock.ts), so the cap holds across
 * every process on the home: the app, web shells and CLI commands alike. A run past the cap waits
 * in the home's queue (`queue.json`, queue-file.ts), first come first served unless someone
 * reorders it, and is told its place. The process owning the run at the head takes the next free
 * slot: at once when it freed the slot itself, within a poll when another process (or its death) did.
 *
 * RunManager sees only `TrainerQueue`.
 */
import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { QueueEntry } from '@common/queue'
import { errorMessage } from '../errors'
import { ProcessLock } from '../process-lock'
import { QueueFile, isOwnerAlive, ownerHere, queueEntries, type QueueFileEntry } from './queue-file'

/** A trainer's place among the capped ones, held from before its process starts until it ended. */
export interface TrainerSlot {
  release(): Promise<void>
}

/** What the line shows of a waiting run. */
export interface QueuedRun {
  name: string
  sweepId: string | null
}

/** A run that left the line because someone cancelled it there (queue.cancel, maybe in another process). */
export class LeftQueue extends Error {
  constructor(runId: string) {
    super(`Run ${runId} was taken out of the queue.`)
    this.name = 'LeftQueue'
  }
}

/** Where a run gets a trainer, now or after waiting its turn. */
export interface TrainerQueue {
  /** A slot at once, or null when all are taken or runs wait before this one. */
  tryTake(runId: string): Promise<TrainerSlot | null>
  /**
   * Waits in line for a slot; `onPlace` hears the run's place (1: next) whenever it changes. The
   * slot rejects with `LeftQueue` when the run is cancelled from the line.
   * `cancel` leaves the line (true) unless the slot was already given (false).
   */
  wait(
    runId: string,
    run: QueuedRun,
    onPlace: (place: number) => void,
  ): Promise<{ slot: Promise<TrainerSlot>; cancel(): boolean }>
}

interface Waiter {
  runId: string
  onPlace: (place: number) => void
  resolve: (slot: TrainerSlot) => void
  reject: (error: Error) => void
  /** Its entry is in the file (so its absence there means someone cancelled it). */
  enrolled: boolean
  place: number
}

export interface TrainerSlotsOptions {
  home: string
  /** Read at every attempt, so a changed setting applies to the next run. */
  cap: () => number
  pollMs?: number
  /** Hears the line whenever this instance sees it change. */
  onChange?: (entries: QueueEntry[]) => void
}

/** The default queue: slot lock files, and the home's queue file. */
export class TrainerSlots implements TrainerQueue {
  readonly file: QueueFile
  /** This instance's runs in line, by run id. */
  private readonly line = new Map<string, Waiter>()
  private readonly token = randomBytes(8).toString('hex')
  private readonly dir: string
  private readonly pollMs: number
  private pumping: Promise<void> | null = null
  private again = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private lastSeen = ''

  constructor(private readonly options: TrainerSlotsOptions) {
    this.file = new QueueFile(options.home)
    this.dir = join(options.home, 'trainers')
    this.pollMs = options.pollMs ?? 1000
  }

  async tryTake(runId: string): Promise<TrainerSlot | null> {
    if (this.line.size > 0) return null
    const waiting = (await this.file.read()).some((entry) => isOwnerAlive(entry.owner))
    return waiting ? null : this.take(runId)
  }

  async wait(runId: string, run: QueuedRun, onPlace: (place: number) => void) {
    let waiter!: Waiter
    const slot = new Promise<TrainerSlot>((resolve, reject) => {
      waiter = { runId, onPlace, resolve, reject, enrolled: false, place: 0 }
    })
    this.line.set(runId, waiter)
    const entry: QueueFileEntry = {
      runId,
      ...run,
      enqueuedAt: new Date().toISOString(),
      owner: ownerHere(this.token),
    }
    try {
      const entries = await this.file.update((all) => {
        const next = [...all.filter((e) => e.runId !== runId), entry]
        return { entries: next, result: next }
      })
      waiter.enrolled = true
      waiter.place = queueEntries(entries).find((e) => e.runId === runId)?.place ?? 1
      onPlace(waiter.place)
    } catch (error) {
      this.line.delete(runId)
      throw error
    }
    void this.pump()
    return {
      slot,
      cancel: () => {
        if (this.line.get(runId) !== waiter) return false
        this.line.delete(runId)
        void this.pump()
        return true
      },
    }
  }

  /** Takes an entry of this process over (a run it adopted), keeping its place in line. */
  async adopt(
    entry: QueueFileEntry,
    onPlace: (place: number) => void,
  ): Promise<{ slot: Promise<TrainerSlot> }> {
    let waiter!: Waiter
    const slot = new Promise<TrainerSlot>((resolve, reject) => {
      waiter = { runId: entry.runId, onPlace, resolve, reject, enrolled: true, place: 0 }
    })
    const owner = ownerHere(this.token)
    const entries = await this.file.update((all) => {
      const next = all.map((e) => (e.runId === entry.runId ? { ...e, owner } : e))
      return { entries: next, result: next }
    })
    this.line.set(entry.runId, waiter)
    waiter.place = queueEntries(entries).find((e) => e.runId === entry.runId)?.place ?? 1
    onPlace(waiter.place)
    void this.pump()
    return { slot }
  }

  /** Looks at the line again now (after another process changed it, say). */
  poke(): void {
    void this.pump()
  }

  /**
   * Brings the file and this instance's line into agreement, tells places, and hands free slots
   * to this instance's runs at the head of the line; then looks again later while any still wait.
   */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.again = true
      return this.pumping
    }
    this.pumping = (async () => {
      try {
        do {
          this.again = false
          await this.pumpOnce()
        } while (this.again)
      } catch (error) {
        // The queue cannot be read or written: no run of this line can start; each learns why.
        for (const waiter of [...this.line.values()]) this.fail(waiter, error)
      } finally {
        this.pumping = null
      }
      if (this.line.size > 0 && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null
          void this.pump()
        }, this.pollMs)
      }
    })()
    return this.pumping
  }

  private async pumpOnce(): Promise<void> {
    // Entries of this instance it no longer waits for (left the line) go; cancelled ones are noticed.
    const entries = await this.file.update((all) => {
      const kept = all.filter((e) => e.owner.token !== this.token || this.line.has(e.runId))
      return { entries: kept.length === all.length ? all : kept, result: kept }
    })
    const present = new Set(entries.map((e) => e.runId))
    for (const waiter of [...this.line.values()]) {
      if (waiter.enrolled && !present.has(waiter.runId)) {
        this.line.delete(waiter.runId)
        waiter.reject(new LeftQueue(waiter.runId))
      }
    }
    let live = queueEntries(entries)
    for (;;) {
      const head = live[0]
      const waiter = head && this.line.get(head.runId)
      if (!waiter?.enrolled) break
      const slot = await this.take(head.runId)
      if (!slot) break
      await this.file.update((all) => ({ entries: all.filter((e) => e.runId !== head.runId), result: null }))
      this.line.delete(head.runId)
      waiter.resolve(slot)
      live = live.slice(1).map((entry) => ({ ...entry, place: entry.place - 1 }))
    }
    for (const entry of live) {
      const waiter = this.line.get(entry.runId)
      if (waiter?.enrolled && waiter.place !== entry.place) {
        waiter.place = entry.place
        waiter.onPlace(entry.place)
      }
    }
    const seen = JSON.stringify(live)
    if (seen !== this.lastSeen) {
      this.lastSeen = seen
      this.options.onChange?.(live)
    }
  }

  private fail(waiter: Waiter, error: unknown): void {
    if (this.line.get(waiter.runId) !== waiter) return
    this.line.delete(waiter.runId)
    waiter.reject(new Error(`The run queue of ${this.options.home} cannot be used: ${errorMessage(error)}`))
  }

  /** The first free slot under the cap, or null. */
  private async take(runId: string): Promise<TrainerSlot | null> {
    await mkdir(this.dir, { recursive: true })
    const cap = Math.max(1, this.options.cap())
    for (let k = 1; k <= cap; k++) {
      const lock = await ProcessLock.acquire(join(this.dir, `trainer-${k}.json`), runId)
      if (!(lock instanceof ProcessLock)) continue
      return {
        release: async () => {
          await lock.release()
          void this.pump()
        },
      }
    }
    return null
  }
}
