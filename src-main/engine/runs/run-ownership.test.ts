import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { afterAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { runPaths } from '../run-files/paths'
import { recordFixture } from './run-record.fixtures'
import { effectiveRecord, isOwnedStatus } from './run-ownership'
import { RunStore } from './store'

const roots: string[] = []
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))))

const id = '20260101-000000-abcd'
/** A store over a fresh home with run `id`'s folder, whose lock nobody holds yet. */
async function storeWithFolder(): Promise<RunStore> {
  const home = await mkdtemp(join(tmpdir(), 'cnn-ownership-'))
  roots.push(home)
  await mkdir(runPaths(home, id).dir, { recursive: true })
  return new RunStore(home)
}

describe('effectiveRecord', () => {
  it('reads a running or queued run whose lock nobody holds as interrupted, saying which process is gone', async () => {
    const store = await storeWithFolder()
    const isLocked = (runId: string) => store.isLocked(runId)
    expect(await effectiveRecord(recordFixture('running'), false, isLocked)).toMatchObject({
      status: 'interrupted',
      error: 'The training process is gone.',
    })
    const queued = await effectiveRecord(recordFixture('queued', { queuePlace: 2 }), false, isLocked)
    expect(queued).toMatchObject({ status: 'interrupted', error: 'The process that queued it is gone.' })
    expect(queued.queuePlace).toBeUndefined()
    // A run that failed before the process died keeps its own sentence.
    const failed = await effectiveRecord(
      recordFixture('running', { error: 'Out of memory.' }),
      false,
      isLocked,
    )
    expect(failed.error).toBe('Out of memory.')
  })

  it('leaves a run alone that a live process holds, this process owns, or a worker trains', async () => {
    const store = await storeWithFolder()
    const isLocked = (runId: string) => store.isLocked(runId)
    expect((await effectiveRecord(recordFixture('running'), true, isLocked)).status).toBe('running')
    expect((await effectiveRecord(recordFixture('queued', { remote: true }), false, isLocked)).status).toBe(
      'queued',
    )
    const lock = await store.lock(id, 'train')
    try {
      expect((await effectiveRecord(recordFixture('running'), false, isLocked)).status).toBe('running')
    } finally {
      await lock.release()
    }
    expect((await effectiveRecord(recordFixture('running'), false, isLocked)).status).toBe('interrupted')
  })

  it('leaves an ended run as it is', async () => {
    const store = await storeWithFolder()
    for (const status of ['completed', 'stopped', 'failed', 'interrupted'] as const) {
      expect(await effectiveRecord(recordFixture(status), false, (runId) => store.isLocked(runId))).toEqual(
        recordFixture(status),
      )
      expect(isOwnedStatus(status)).toBe(false)
    }
    expect(isOwnedStatus('queued') && isOwnedStatus('running')).toBe(true)
  })
})
