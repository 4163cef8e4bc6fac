/**
 * RunManager on runs it does not train: records left by dead processes or older versions,
 * configurations refused before anything is written, and malformed ids.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunRecord } from '@common/contract'
import type { RunConfigInput } from '@common/schemas'
import { UserError } from '../errors'
import { runPaths } from '../run-files/paths'
import { barRunConfig, managerOnFreshHome, useBarDataRoot } from './test-helpers'

const where = useBarDataRoot('cnn-run-records-')

/** A manager on a fresh home, recording every event. */
const setup = () => managerOnFreshHome(where.root)
const config = (overrides: RunConfigInput = {}) => barRunConfig(where.dataFolder, overrides)

describe('RunManager without training', () => {
  it('lists a run whose process died as interrupted, and damaged folders as damaged', async () => {
    const { home, manager } = await setup()
    const dead = spawnSync(process.execPath, ['-e', '0']).pid
    const id = '20260101-000000-dead'
    const paths = runPaths(home, id)
    await mkdir(paths.dir, { recursive: true })
    const record: RunRecord = {
      id,
      name: 'left behind',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      status: 'running',
      config: config(),
      dataset: null,
      backend: null,
      summary: null,
      checkpointEpoch: 0,
    }
    await writeFile(paths.record, JSON.stringify(record))
    // The lock its owner left when it died with its trainer.
    const gone = { pid: dead, started: null }
    const lock = { ...gone, host: hostname(), purpose: 'train', since: '', child: gone, token: 'left' }
    await writeFile(paths.lock, JSON.stringify(lock))
    await mkdir(runPaths(home, 'broken-json').dir)
    await writeFile(runPaths(home, 'broken-json').record, '{"id": ')
    await mkdir(runPaths(home, 'missing-fields').dir)
    await writeFile(
      runPaths(home, 'missing-fields').record,
      JSON.stringify({ id: 'missing-fields', name: 'x' }),
    )
    await mkdir(runPaths(home, 'empty').dir)

    const items = await manager.list()
    const byId = Object.fromEntries(items.map((item) => [item.id, item]))
    expect(byId[id]).toMatchObject({ damaged: false, record: { status: 'interrupted' } })
    expect(byId['broken-json']).toMatchObject({ damaged: true, reason: 'run.json is not valid JSON.' })
    expect(byId['missing-fields']).toMatchObject({ damaged: true })
    expect(byId['empty']).toMatchObject({ damaged: true, reason: 'run.json is missing.' })
    await expect(manager.get('broken-json')).rejects.toBeInstanceOf(UserError)
    await manager.delete('broken-json')
    // A lock left by dead processes is stale: taken over, and gone with the run.
    await manager.rename(id, 'renamed after its owner died')
    await manager.delete(id)
    expect((await manager.list()).map((i) => i.id).sort()).toEqual(['empty', 'missing-fields'])
  })

  it('reads a run that an earlier version trained past a non-finite loss, written with nulls', async () => {
    const { home, manager } = await setup()
    const id = '20261129-192220-9a5a'
    await mkdir(join(home, 'runs'), { recursive: true })
    await cp(join(import.meta.dirname, 'fixtures', 'diverged-run'), runPaths(home, id).dir, {
      recursive: true,
    })
    const [item] = await manager.list()
    expect(item).toMatchObject({ id, damaged: false, record: { status: 'failed', summary: null } })
    expect(item.damaged || item.record.error).toMatch(/^The loss stopped being a finite number/)
    // Its curves up to the first null: two epochs, and the samples of the third before it.
    const details = await manager.get(id)
    expect(details.metrics.map((m) => m.epoch)).toEqual([1, 2])
    expect(details.batches.at(-1)).toMatchObject({ epoch: 3, batch: 6 })
    expect(details.batches.every((b) => Number.isFinite(b.loss))).toBe(true)
  })

  it('writes nothing for a data set or a network that cannot work', async () => {
    const { home, manager, events } = await setup()
    await expect(
      manager.start(config({ dataset: { kind: 'folder', path: join(where.root, 'nowhere') } })),
    ).rejects.toMatchObject({
      name: 'UserError',
      code: 'not_found',
    })
    const brokenFolder = join(where.root, 'broken')
    await mkdir(brokenFolder, { recursive: true })
    for (const name of [
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ]) {
      await writeFile(join(brokenFolder, name), 'not an idx file')
    }
    await expect(
      manager.start(config({ dataset: { kind: 'folder', path: brokenFolder } })),
    ).rejects.toBeInstanceOf(UserError)
    const tooDeep = { convBlocks: [1, 2, 3].map(() => ({ filters: 2, kernelSize: 3 })), denseLayers: [] }
    await expect(manager.start(config({ architecture: tooDeep }))).rejects.toThrow(
      /^Conv block 3 leaves no pixels/,
    )
    expect(existsSync(join(home, 'runs')) ? await readdir(join(home, 'runs')) : []).toEqual([])
    expect(events).toEqual([])
  })

  it('answers unknown and malformed run ids with user errors', async () => {
    const { manager } = await setup()
    await expect(manager.get('20260101-000000-none')).rejects.toMatchObject({ code: 'not_found' })
    await expect(manager.rename('../../etc', 'x')).rejects.toMatchObject({ code: 'invalid' })
    await expect(manager.stop('20260101-000000-none')).rejects.toMatchObject({ code: 'not_found' })
    await expect(manager.delete('20260101-000000-none')).rejects.toMatchObject({ code: 'not_found' })
  })
})
