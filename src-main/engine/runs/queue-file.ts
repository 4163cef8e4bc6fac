/**
 * The run queue of a home on disk: `<home>/queue.json`, the runs waiting for a trainer in the
 * order they will start, each naming the process that owns it (holds its run lock and will start
 * its trainer). Every change is read, changed and written (atomically) under `<home>/queue.lock`,
 * a process lock, so the app, web shells and CLI commands on one home share one line.
 *
 * An entry whose owner died stays in the file (the queue survives a restart): a workbench that
 * opens the home adopts those of plain runs, and `sweep resume` those of its sweep. Until then
 * they hold no place in the line.
 */
import { mkdirSync, watch } from 'node:fs'
import { hostname } from 'node:os'
import { readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { QueueEntry } from '@common/queue'
import { runIdSchema } from '@common/schemas'
import { sweepIdSchema } from '@common/sweep'
import { writeJsonAtomic } from '../fs-atomic'
import { ProcessLock, isPidAlive, processStartTime } from '../process-lock'

const ownerSchema = z.object({
  pid: z.number().int(),
  started: z.string().nullable(),
  host: z.string(),
  /** The queue instance (a RunManager) in that process: two may share a process. */
  token: z.string(),
})
export type QueueOwner = z.infer<typeof ownerSchema>

const fileEntrySchema = z.object({
  runId: runIdSchema,
  name: z.string(),
  sweepId: sweepIdSchema.nullable(),
  enqueuedAt: z.string(),
  owner: ownerSchema,
})
export type QueueFileEntry = z.infer<typeof fileEntrySchema>

const queueFileSchema = z.object({ entries: z.array(fileEntrySchema) })

/** This process as a queue's owner; `token` tells its queue instances apart. */
export function ownerHere(token: string): QueueOwner {
  return { pid: process.pid, started: processStartTime(process.pid), host: hostname(), token }
}

/** Whether the owner of an entry still lives (one on another host is taken at its word). */
export function isOwnerAlive(owner: QueueOwner): boolean {
  if (owner.host !== hostname()) return true
  if (!isPidAlive(owner.pid)) return false
  const started = processStartTime(owner.pid)
  return owner.started === null || started === null || started === owner.started
}

/** The line as the contract shows it: the entries whose owner lives, numbered from 1. */
export function queueEntries(entries: QueueFileEntry[]): QueueEntry[] {
  return entries
    .filter((entry) => isOwnerAlive(entry.owner))
    .map(({ runId, name, sweepId, enqueuedAt }, i) => ({ runId, name, sweepId, enqueuedAt, place: i + 1 }))
}

export class QueueFile {
  readonly path: string
  private readonly lockPath: string

  constructor(home: string) {
    this.path = join(home, 'queue.json')
    this.lockPath = join(home, 'queue.lock')
  }

  /** The entries in order; none when there is no file. A damaged file is set aside, named in the error. */
  async read(): Promise<QueueFileEntry[]> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    try {
      return queueFileSchema.parse(JSON.parse(text)).entries
    } catch (error) {
      // Never overwritten: kept beside for a person to read, and the line starts afresh.
      const aside = `${this.path}.corrupt-${Date.now()}`
      await rename(this.path, aside)
      throw new Error(`The run queue ${this.path} was damaged and was set aside as ${aside}`, {
        cause: error,
      })
    }
  }

  /**
   * Changes the entries under the queue's lock; `change` returns the new entries (the same array
   * when nothing changed: nothing is written) and a result.
   */
  async update<T>(
    change: (entries: QueueFileEntry[]) => { entries: QueueFileEntry[]; result: T },
  ): Promise<T> {
    const lock = await this.lock()
    try {
      const before = await this.read()
      const { entries, result } = change(before)
      if (entries !== before) await writeJsonAtomic(this.path, { entries })
      return result
    } finally {
      await lock.release()
    }
  }

  /** The queue's lock: held for a read and a write, so waiting a few milliseconds is enough. */
  private async lock(): Promise<ProcessLock> {
    for (let attempt = 0; ; attempt++) {
      const lock = await ProcessLock.acquire(this.lockPath, 'queue')
      if (lock instanceof ProcessLock) return lock
      if (attempt > 2000) throw new Error(`The run queue's lock ${this.lockPath} stays taken`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
}

/**
 * The entries with run `runId` moved to `place` among the live ones (past the end: last); null
 * when it is not in the line.
 */
export function moveEntry(entries: QueueFileEntry[], runId: string, place: number): QueueFileEntry[] | null {
  const from = entries.findIndex((e) => e.runId === runId)
  if (from < 0 || !isOwnerAlive(entries[from].owner)) return null
  const moved = entries[from]
  const rest = entries.filter((_, i) => i !== from)
  const live = rest.filter((e) => isOwnerAlive(e.owner))
  const before = live[place - 1]
  const at = before ? rest.indexOf(before) : rest.length
  return [...rest.slice(0, at), moved, ...rest.slice(at)]
}

/**
 * Calls `onChange` with the line whenever `queue.json` changes (another process queued, moved or
 * cancelled a run), at most once per `settleMs`. Errors of the watch go to `onError`.
 */
export function watchQueueFile(
  home: string,
  onChange: (entries: QueueEntry[]) => void,
  onError: (error: Error) => void,
  settleMs = 100,
): { close(): void } {
  const file = new QueueFile(home)
  let timer: ReturnType<typeof setTimeout> | null = null
  mkdirSync(home, { recursive: true })
  const watcher = watch(home, (_event, name) => {
    if (name !== 'queue.json' || timer) return
    timer = setTimeout(() => {
      timer = null
      file.read().then((entries) => onChange(queueEntries(entries)), onError)
    }, settleMs)
  })
  watcher.on('error', onError)
  return {
    close: () => {
      if (timer) clearTimeout(timer)
      watcher.close()
    },
  }
}
