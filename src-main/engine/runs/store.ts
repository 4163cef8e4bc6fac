/**
 * The run store on disk: one folder per run under `<home>/runs/`. A new run's folder appears
 * complete (it is filled under a hidden name and renamed), and a damaged folder is listed as
 * damaged instead of breaking the listing.
 */
import { existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { EpochMetrics, RunListItem, RunRecord } from '@common/contract'
import { runIdSchema } from '@common/schemas'
import { UserError } from '../errors'
import { homePaths } from '../home'
import { isRunProcessAlive, writeProcessInfo, type RunProcessInfo } from './liveness'
import { readMetrics, readMetricsFile, type StoredMetrics } from '../run-files/metrics'
import { runPaths } from '../run-files/paths'
import { readRecord, writeRecord } from '../run-files/record'
import { newRunId } from './run-id'

export class RunStore {
  constructor(readonly home: string) {}

  /** The files of run `id` (after checking that `id` is a run id, not a path). */
  paths(id: string) {
    if (!runIdSchema.safeParse(id).success) throw new UserError(`"${id}" is not a run id.`, 'invalid', 'id')
    return runPaths(this.home, id)
  }

  /** Creates the folder of a new run, with its record and owner, under a fresh id. */
  async create(draft: Omit<RunRecord, 'id'>, owner: RunProcessInfo): Promise<RunRecord> {
    const root = homePaths(this.home).runs
    await mkdir(root, { recursive: true })
    for (let attempt = 0; ; attempt++) {
      const record: RunRecord = { id: newRunId(), ...draft }
      const target = runPaths(this.home, record.id)
      if (existsSync(target.dir)) continue
      const staging = join(root, `.new-${record.id}`)
      await mkdir(staging)
      try {
        await writeRecord(join(staging, 'run.json'), record)
        await writeProcessInfo(join(staging, 'process.json'), owner)
        await rename(staging, target.dir)
        return record
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

  /** Whether the processes recorded for run `id` are still alive. */
  async isProcessAlive(id: string): Promise<boolean> {
    return isRunProcessAlive(this.paths(id).process)
  }

  async setOwner(id: string, owner: RunProcessInfo): Promise<void> {
    await writeProcessInfo(this.paths(id).process, owner)
  }

  async clearOwner(id: string): Promise<void> {
    await rm(this.paths(id).process, { force: true })
  }

  /** Deletes the folder of run `id`; UserError when there is none. */
  async remove(id: string): Promise<void> {
    const paths = this.paths(id)
    if (!existsSync(paths.dir)) throw new UserError(`There is no run ${id}.`, 'not_found', 'id')
    await rm(paths.dir, { recursive: true, force: true })
  }
}
