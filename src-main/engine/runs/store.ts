/**
 * The run store on disk: one folder per run under `<home>/runs/`. A new run's folder appears
 * complete (it is filled under a hidden name and renamed), and a damaged folder is listed as
 * damaged instead of breaking the listing.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { EpochMetrics, RunListItem, RunRecord } from '@common/contract'
import { runIdSchema } from '@common/schemas'
import { UserError } from '../errors'
import { homePaths } from '../home'
import { ProcessLock, describeHolder, readLock } from '../process-lock'
import { readMetrics, readMetricsFile, type StoredMetrics } from '../run-files/metrics'
import { runPaths } from '../run-files/paths'
import { readRecord, writeRecord } from '../run-files/record'
import { newRunId } from './run-id'

/** What the holder of a run's lock does, and how a sentence names it. */
const PURPOSE_VERBS = { train: 'trained', rename: 'renamed', update: 'annotated', delete: 'deleted' }
export type RunLockPurpose = keyof typeof PURPOSE_VERBS

export class RunStore {
  constructor(readonly home: string) {}

  /** The files of run `id` (after checking that `id` is a run id, not a path). */
  paths(id: string) {
    if (!runIdSchema.safeParse(id).success) throw new UserError(`"${id}" is not a run id.`, 'invalid', 'id')
    return runPaths(this.home, id)
  }

  /**
   * Creates the folder of a new run under a fresh id, with its record and its lock, held by this
   * process for `purpose`: the run appears already locked.
   */
  async create(
    draft: Omit<RunRecord, 'id'>,
    purpose: RunLockPurpose,
  ): Promise<{ record: RunRecord; lock: ProcessLock }> {
    const root = homePaths(this.home).runs
    await mkdir(root, { recursive: true })
    for (let attempt = 0; ; attempt++) {
      const record: RunRecord = { id: newRunId(), ...draft }
      const target = runPaths(this.home, record.id)
      if (existsSync(target.dir)) continue
      const staging = join(root, `.new-${record.id}`)
      await mkdir(staging)
      try {
        await writeRecord(join(staging, basename(target.record)), record)
        const lock = await ProcessLock.create(join(staging, basename(target.lock)), purpose)
        await rename(staging, target.dir)
        lock.moveTo(target.lock)
        return { record, lock }
      } catch (error) {
        await rm(staging, { recursive: true, force: true })
        if (attempt < 5 && existsSync(target.dir)) continue
        throw error
      }
    }
  }

  /** Every run folder, newest first; damaged ones say why. */
  async list(): Promise<RunListItem[]> {
    const root = homePaths(this.home).runs
    const entries = await readdir(root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return []
      throw error
    })
    const ids = entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && runIdSchema.safeParse(e.name).success)
      .map((e) => e.name)
    const items = await Promise.all(
      ids.map(async (id): Promise<RunListItem> => {
        const read = await readRecord(runPaths(this.home, id).record, id)
        return read.ok
          ? { id, damaged: false, record: read.record }
          : { id, damaged: true, reason: read.reason }
      }),
    )
    // Ids begin with their creation time, so this is newest first.
    return items.sort((a, b) => b.id.localeCompare(a.id))
  }

  /** The record of run `id`; UserError when there is no such run or its record is damaged. */
  async read(id: string): Promise<RunRecord> {
    const paths = this.paths(id)
    const read = await readRecord(paths.record, id)
    if (read.ok) return read.record
    if (read.missing && !existsSync(paths.dir))
      throw new UserError(`There is no run ${id}.`, 'not_found', 'id')
    throw new UserError(`Run ${id} is damaged: ${read.reason}`, 'unavailable', 'id')
  }

  async write(record: RunRecord): Promise<void> {
    await writeRecord(this.paths(record.id).record, record)
  }

  async metrics(id: string): Promise<EpochMetrics[]> {
    return readMetrics(this.paths(id).metrics)
  }

  /** The epochs of run `id` and the batch samples stored for them. */
  async metricsFile(id: string): Promise<StoredMetrics> {
    return readMetricsFile(this.paths(id).metrics)
  }

  /**
   * Takes run `id`'s lock for `purpose` (train, rename, delete); a UserError (`conflict`) names the
   * process that holds it.
   */
  async lock(id: string, purpose: RunLockPurpose): Promise<ProcessLock> {
    const lock = await ProcessLock.acquire(this.paths(id).lock, purpose)
    if (lock instanceof ProcessLock) return lock
    const verb = PURPOSE_VERBS[lock.purpose as RunLockPurpose] ?? 'changed'
    throw new UserError(`Run ${id} is being ${verb} by ${describeHolder(lock)}.`, 'conflict', 'id')
  }

  /** Whether a process (this one or another) holds the lock of run `id`, so that it lives. */
  async isLocked(id: string): Promise<boolean> {
    return (await readLock(this.paths(id).lock)).state === 'held'
  }

  /**
   * Deletes the folder of run `id`; UserError when there is none. It is renamed away first, so the
   * run vanishes at once and a crash midway leaves no half of it in the listing.
   */
  async remove(id: string): Promise<void> {
    const paths = this.paths(id)
    if (!existsSync(paths.dir)) throw new UserError(`There is no run ${id}.`, 'not_found', 'id')
    const doomed = join(homePaths(this.home).runs, `.deleted-${id}-${randomBytes(4).toString('hex')}`)
    await rename(paths.dir, doomed)
    await rm(doomed, { recursive: true, force: true })
  }
}
