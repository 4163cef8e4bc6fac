import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '@common/contract'
import { runConfigSchema } from '@common/schemas'
import { runPaths } from '../run-files/paths'
import { RunManager } from './run-manager'

const roots: string[] = []
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))))

/** A manager over a home holding one completed run, written as the engine writes it. */
async function homeWithRun(id: string) {
  const home = await mkdtemp(join(tmpdir(), 'cnn-notes-'))
  roots.push(home)
  const record: RunRecord = {
    id,
    name: 'lr sweep 3',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    status: 'completed',
    config: runConfigSchema.parse({}),
    dataset: null,
    backend: null,
    summary: null,
    checkpointEpoch: 0,
  }
  await mkdir(runPaths(home, id).dir, { recursive: true })
  await writeFile(runPaths(home, id).record, JSON.stringify(record))
  const changed: string[] = []
  const manager = new RunManager({ home, emit: (channel) => changed.push(channel) })
  return { home, manager, changed }
}

describe('RunManager.updateNotes', () => {
  it('keeps notes and tags in run.json, each changed alone, and tells the lists', async () => {
    const id = '20260101-000000-abcd'
    const { home, manager, changed } = await homeWithRun(id)
    await manager.updateNotes(id, { notes: 'Loss exploded at lr 10.', tags: ['sweep', 'baseline'] })
    expect(changed).toEqual(['runs.changed'])
    const updated = await manager.updateNotes(id, { tags: ['sweep'] })
    expect(updated).toMatchObject({ notes: 'Loss exploded at lr 10.', tags: ['sweep'], name: 'lr sweep 3' })
    const stored = JSON.parse(await readFile(runPaths(home, id).record, 'utf8')) as RunRecord
    expect(stored).toMatchObject({ notes: 'Loss exploded at lr 10.', tags: ['sweep'] })
    const [item] = await manager.list()
    expect(item).toMatchObject({ damaged: false, record: { tags: ['sweep'] } })
  })

  it('names a run that does not exist', async () => {
    const { manager } = await homeWithRun('20260101-000000-abcd')
    await expect(manager.updateNotes('20260101-000000-none', { notes: 'x' })).rejects.toMatchObject({
      code: 'not_found',
    })
  })
})
