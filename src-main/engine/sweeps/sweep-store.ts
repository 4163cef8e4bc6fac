/**
 * The sweeps of a home on disk: `<home>/sweeps/<id>/sweep.json` (written atomically), the lock
 * of the process running it (`lock.json`), and `stop`, the request of another process to stop it.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SweepListItem } from '@common/contract'
import { sweepIdSchema, sweepRecordSchema, type SweepRecord } from '@common/sweep'
import { UserError } from '../errors'
import { writeJsonAtomic } from '../fs-atomic'
import { ProcessLock, describeHolder, readLock } from '../process-lock'
import { newRunId } from '../runs/run-id'

export class SweepStore {
  readonly root: string

  constructor(home: string) {
    this.root = join(home, 'sweeps')
  }

  paths(id: string) {
    if (!sweepIdSchema.safeParse(id).success)
      throw new UserError(`"${id}" is not a sweep id.`, 'invalid', 'id')
    const dir = join(this.root, id)
    return { dir, record: join(dir, 'sweep.json'), lock: join(dir, 'lock.json'), stop: join(dir, 'stop') }
  }

  /** A new sweep's folder under a fresh id, its record written and its lock held by this process. */
  async create(draft: Omit<SweepRecord, 'id'>): Promise<{ record: SweepRecord; lock: ProcessLock }> {
    await mkdir(this.root, { recursive: true })
    for (;;) {
      const id = newRunId()
      const paths = this.paths(id)
      try {
        await mkdir(paths.dir)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
        throw error
      }
      const lock = await ProcessLock.create(paths.lock, 'run')
      const record = { id, ...draft }
      await this.write(record)
      return { record, lock }
    }
  }

  async write(record: SweepRecord): Promise<void> {
    await writeJsonAtomic(this.paths(record.id).record, record)
  }

  /** The record of sweep `id`, as it stands: one marked running whose process is gone reads as interrupted. */
  async read(id: string): Promise<SweepRecord> {
    const paths = this.paths(id)
    let text: string
    try {
      text = await readFile(paths.record, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(paths.dir))
        throw new UserError(`There is no sweep ${id}.`, 'not_found', 'id')
      throw new UserError(`Sweep ${id} cannot be read: ${(error as Error).message}.`, 'unavailable', 'id')
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new UserError(`Sweep ${id} is damaged: sweep.json is not valid JSON.`, 'unavailable', 'id')
    }
    const parsed = sweepRecordSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue.path.join('.') || 'the document'
      throw new UserError(
        `Sweep ${id} is damaged: sweep.json's ${where} ${issue.message}.`,
        'unavailable',
        'id',
      )
    }
    const record = parsed.data
    if (record.status === 'running' && (await readLock(paths.lock)).state !== 'held') {
      return { ...record, status: 'interrupted', error: record.error ?? 'The process running it is gone.' }
    }
    return record
  }

  /** Every sweep, newest first. */
  async list(): Promise<SweepListItem[]> {
    const names = await readdir(this.root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return []
      throw error
    })
    const ids = names
      .filter((name) => sweepIdSchema.safeParse(name).success)
      .sort()
      .reverse()
    return Promise.all(
      ids.map(async (id): Promise<SweepListItem> => {
        try {
          return { id, damaged: false, record: await this.read(id) }
        } catch (error) {
          if (!(error instanceof UserError)) throw error
          return { id, damaged: true, reason: error.message }
        }
      }),
    )
  }

  /** Takes sweep `id`'s lock to run it; a conflict names the process running it. */
  async lock(id: string): Promise<ProcessLock> {
    const paths = this.paths(id)
    if (!existsSync(paths.dir)) throw new UserError(`There is no sweep ${id}.`, 'not_found', 'id')
    const lock = await ProcessLock.acquire(paths.lock, 'run')
    if (lock instanceof ProcessLock) return lock
    throw new UserError(`Sweep ${id} is being run by ${describeHolder(lock)}.`, 'conflict', 'id')
  }

  /** Asks the process running sweep `id` to stop it (it looks every second). */
  async requestStop(id: string): Promise<void> {
    await writeFile(this.paths(id).stop, new Date().toISOString())
  }

  /** Whether a stop was asked for; the runner clears it when it starts or resumes. */
  stopRequested(id: string): boolean {
    return existsSync(this.paths(id).stop)
  }

  async clearStop(id: string): Promise<void> {
    await rm(this.paths(id).stop, { force: true })
  }
}
