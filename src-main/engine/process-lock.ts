/**
 * A lock between processes, as a file created exclusively (`wx`, O_EXCL) that names its holder:
 * pid, host, the pid's start time (so a reused pid is told apart) and, for a run, the trainer
 * working for it. A lock whose processes are all gone on this host is stale and is taken over; a
 * lock held on another host is taken at its word. Taking over a stale lock happens under a second,
 * short-lived lock (`<path>.break`), and only after reading the same holder again, so two
 * processes that find one stale lock at once never both take it.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { open, readFile, rm, stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import { z } from 'zod'
import { writeJsonAtomic } from './fs-atomic'

const processSchema = z.object({
  pid: z.number().int(),
  /** When the OS started the process (Linux: clock ticks after boot); null where it cannot be read. */
  started: z.string().nullable(),
})
type ProcessId = z.infer<typeof processSchema>

/** Who holds a lock: enough to tell whether it still lives, and to name it to a person. */
export const lockHolderSchema = processSchema.extend({
  host: z.string(),
  /** What the holder does: train, rename, delete (for the sentence that names it). */
  purpose: z.string(),
  since: z.string(),
  /** A process working for the holder (a run's trainer): the lock lives while either does. */
  child: processSchema.nullable(),
  /** Tells this holding apart from any other, even of the same process. */
  token: z.string(),
})
export type LockHolder = z.infer<typeof lockHolderSchema>

/** How long a lock file may stay unreadable (created, not yet written) before it counts as stale. */
const UNWRITTEN_GRACE_MS = 5_000

/** A lock this process holds. */
export class ProcessLock {
  private constructor(
    private path: string,
    private holder: LockHolder,
  ) {}

  /**
   * Takes the lock at `path` for `purpose`; resolves with the lock, or with the holder that keeps
   * it (a live process, or one on another host).
   */
  static async acquire(path: string, purpose: string): Promise<ProcessLock | LockHolder> {
    const holder = newHolder(purpose)
    for (let attempt = 0; ; attempt++) {
      try {
        await writeExclusive(path, holder)
        return new ProcessLock(path, holder)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const found = await readLock(path)
      if (found.state === 'gone') continue
      if (found.state === 'held') return found.holder
      // Stale: taken over below. Should others keep winning that race, one of them is named.
      if (attempt >= 5) return found.holder ?? unknownHolder()
      await breakStale(path, found.text)
    }
  }

  /**
   * Writes a new lock file for `purpose` at `path`, where no lock can be yet (inside a folder not
   * yet visible to others); `moveTo` then tells the lock where the folder went.
   */
  static async create(path: string, purpose: string): Promise<ProcessLock> {
    const holder = newHolder(purpose)
    await writeExclusive(path, holder)
    return new ProcessLock(path, holder)
  }

  /** Where the lock file now is, after its folder was renamed. */
  moveTo(path: string): void {
    this.path = path
  }

  /** Records the process working for the holder; the lock lives while it does too. */
  async setChild(pid: number): Promise<void> {
    this.holder = { ...this.holder, child: { pid, started: processStartTime(pid) } }
    await writeJsonAtomic(this.path, this.holder)
  }

  /** Removes the lock file, if it is still this holding's (its folder may be gone with it). */
  async release(): Promise<void> {
    const found = await readLock(this.path)
    if (found.holder?.token === this.holder.token) await rm(this.path, { force: true })
  }
}

type ReadLock =
  | { state: 'gone'; holder: null; text: null }
  | { state: 'held'; holder: LockHolder; text: string }
  | { state: 'stale'; holder: LockHolder | null; text: string }

/** The lock at `path`: absent, held by a live holder (or one that cannot be checked), or stale. */
export async function readLock(path: string): Promise<ReadLock> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'gone', holder: null, text: null }
    throw error
  }
  const holder = parseHolder(text)
  if (holder) return { state: isHolderAlive(holder) ? 'held' : 'stale', holder, text }
  // Created but not yet written, or torn by a crash between the two: wait before calling it stale.
  const age = await stat(path).then(
    (s) => Date.now() - s.mtimeMs,
    () => Infinity,
  )
  if (age < UNWRITTEN_GRACE_MS) return { state: 'held', holder: unknownHolder(), text }
  return { state: 'stale', holder: null, text }
}

/** Whether a holder may still hold its lock: its process or its child lives, or it is elsewhere. */
export function isHolderAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true
  return isProcessAlive(holder) || (holder.child !== null && isProcessAlive(holder.child))
}

/** The holder as a phrase: "process 1234 on this machine (since 19:20:01)". */
export function describeHolder(holder: LockHolder): string {
  if (holder.pid === 0) return 'a process that is taking it right now'
  const where = holder.host === hostname() ? 'this machine' : `host ${holder.host}`
  const since = new Date(holder.since)
  const time = Number.isNaN(since.getTime()) ? '' : ` (since ${since.toTimeString().slice(0, 8)})`
  return `process ${holder.pid} on ${where}${time}`
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** When the OS started process `pid`, where it says (Linux); null elsewhere or when it is gone. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command (which may hold spaces and parentheses); starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null // not Linux, or no such process: the pid alone has to do
  }
}

function isProcessAlive(id: ProcessId): boolean {
  if (!isPidAlive(id.pid)) return false
  if (id.started === null) return true
  const started = processStartTime(id.pid)
  return started === null || started === id.started
}

function newHolder(purpose: string): LockHolder {
  return {
    pid: process.pid,
    started: processStartTime(process.pid),
    host: hostname(),
    purpose,
    since: new Date().toISOString(),
    child: null,
    token: randomBytes(8).toString('hex'),
  }
}

function unknownHolder(): LockHolder {
  return { ...newHolder('unknown'), pid: 0, token: '' }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const parsed = lockHolderSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null // torn or empty: see readLock
  }
}

/** Creates `path` only if it does not exist, with the holder in it, flushed. */
async function writeExclusive(path: string, holder: LockHolder): Promise<void> {
  const handle = await open(path, 'wx')
  try {
    await handle.writeFile(JSON.stringify(holder, null, 2) + '\n')
    await handle.sync()
  } catch (error) {
    await handle.close()
    await rm(path, { force: true })
    throw error
  }
  await handle.close()
}

/**
 * Removes the stale lock whose text was `seen`, unless it changed meanwhile. Only one process at a
 * time does this (the one holding `<path>.break`): so no process removes a lock another has just
 * taken after removing the stale one.
 */
async function breakStale(path: string, seen: string): Promise<void> {
  const breaker = `${path}.break`
  try {
    await writeExclusive(breaker, newHolder('break'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const other = await readLock(breaker)
    // A breaker that died while breaking (a few milliseconds of file work) leaves its file behind.
    if (other.state === 'stale') await rm(breaker, { force: true })
    else await new Promise((resolve) => setTimeout(resolve, 10))
    return
  }
  try {
    const now = await readFile(path, 'utf8').catch(() => null)
    if (now === seen) await rm(path, { force: true })
  } finally {
    await rm(breaker, { force: true })
  }
}
