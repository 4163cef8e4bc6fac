/**
 * The cap on training processes of a home. Each trainer holds one of `cap` slot locks in
 * `<home>/trainers/` (process-lock.ts), so the cap holds across every process on the home: the
 * app, web shells and CLI commands alike. A run past the cap waits in this process's line, first
 * come first served, and is told its place; a slot freed here is handed on at once, one freed by
 * another process (or by its death) within a poll.
 *
 * RunManager sees only `TrainerQueue`: a persistent run queue (sweeps) can take this one's place.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { errorMessage } from '../errors'
import { ProcessLock } from '../process-lock'

/** A trainer's place among the capped ones, held from before its process starts until it ended. */
export interface TrainerSlot {
  release(): Promise<void>
}

/** Where a run gets a trainer, now or after waiting its turn. */
export interface TrainerQueue {
  /** A slot at once, or null when all are taken or runs wait before this one. */
  tryTake(runId: string): Promise<TrainerSlot | null>
  /**
   * Waits in line for a slot; `onPlace` hears the run's place (1: next) whenever it changes.
   * `cancel` leaves the line (true) unless the slot was already given (false).
   */
  wait(runId: string, onPlace: (place: number) => void): { slot: Promise<TrainerSlot>; cancel(): boolean }
}

interface Waiter {
  runId: string
  onPlace: (place: number) => void
  resolve: (slot: TrainerSlot) => void
  reject: (error: Error) => void
}

/** The default queue: slot lock files, and a line in this process. */
export class TrainerSlots implements TrainerQueue {
  private readonly line: Waiter[] = []
  private pumping: Promise<void> | null = null
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly dir: string,
    /** Read at every attempt, so a changed setting applies to the next run. */
    private readonly cap: () => number,
    private readonly pollMs = 1000,
  ) {}

  async tryTake(runId: string): Promise<TrainerSlot | null> {
    return this.line.length > 0 ? null : this.take(runId)
  }

  wait(runId: string, onPlace: (place: number) => void) {
    let waiter!: Waiter
    const slot = new Promise<TrainerSlot>((resolve, reject) => {
      waiter = { runId, onPlace, resolve, reject }
    })
    this.line.push(waiter)
    onPlace(this.line.length)
    void this.pump()
    return {
      slot,
      cancel: () => {
        const index = this.line.indexOf(waiter)
        if (index < 0) return false
        this.line.splice(index, 1)
        this.tellPlaces(index)
        return true
      },
    }
  }

  /** Hands free slots to the runs in line, in order; then looks again later while any still wait. */
  private pump(): Promise<void> {
    this.pumping ??= (async () => {
      try {
        while (this.line.length > 0) {
          const slot = await this.take(this.line[0].runId).catch((error: unknown) => {
            // The slots folder cannot be written: no run can ever start; each one in line learns why.
            const failure = new Error(
              `The trainer slots in ${this.dir} cannot be used: ${errorMessage(error)}`,
            )
            for (const waiter of this.line.splice(0)) waiter.reject(failure)
            return null
          })
          if (!slot) break
          this.line.shift()!.resolve(slot)
          this.tellPlaces(0)
        }
      } finally {
        this.pumping = null
      }
      if (this.line.length > 0 && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null
          void this.pump()
        }, this.pollMs)
      }
    })()
    return this.pumping
  }

  private tellPlaces(from: number): void {
    for (let i = from; i < this.line.length; i++) this.line[i].onPlace(i + 1)
  }

  /** The first free slot under the cap, or null. */
  private async take(runId: string): Promise<TrainerSlot | null> {
    await mkdir(this.dir, { recursive: true })
    const cap = Math.max(1, this.cap())
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
