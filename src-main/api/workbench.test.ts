import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventChannel, EventPayload, RunListItem } from '@common/contract'
import { runConfigSchema } from '@common/schemas'
import { RunStore } from '../engine/runs'
import { openSettingsForReading } from '../engine/settings/file-store'
import { createWorkbench } from './workbench'

let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-workbench-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A workbench on `home` that records the runs.changed events it emits. */
function workbenchOn(home: string) {
  const changed: string[] = []
  const workbench = createWorkbench({
    home,
    shell: 'web',
    settings: openSettingsForReading(home, () => undefined),
    emit: <E extends EventChannel>(channel: E, payload: EventPayload<E>) => {
      if (channel === 'runs.changed') changed.push((payload as EventPayload<'runs.changed'>).runId)
    },
  })
  return { ...workbench, changed }
}

/** Resolves once `test` holds, looking every 20 ms; fails with `what` after 10 s. */
async function eventually(test: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await test()); waited += 20) {
    if (waited > 10_000) throw new Error(`Still waiting for ${what}.`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** The CLI from source, in a process of its own. */
function cli(argv: string[]): Promise<number | null> {
  const main = join(import.meta.dirname, '..', 'cli', 'main.ts')
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...argv], { stdio: 'ignore' })
  return new Promise((resolve) => child.on('close', resolve))
}

const names = (items: RunListItem[]) => items.map((item) => (item.damaged ? item.id : item.record.name))

describe('the run store seen by two workbenches on one home', () => {
  it('tells each one of the changes the other, or another process, makes', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    const a = workbenchOn(home)
    const b = workbenchOn(home)
    try {
      // A run appears, written by some other process (as a CLI's train would create it).
      const now = new Date().toISOString()
      const { record, lock } = await new RunStore(home).create(
        {
          name: 'made elsewhere',
          createdAt: now,
          updatedAt: now,
          status: 'stopped',
          config: runConfigSchema.parse({}),
          dataset: null,
          backend: null,
          summary: null,
          checkpointEpoch: 0,
        },
        'train',
      )
      await lock.release()
      await eventually(() => a.changed.includes(record.id) && b.changed.includes(record.id), 'the new run')

      b.changed.length = 0
      await a.handlers['runs.rename']({ id: record.id, name: 'renamed by a' })
      await eventually(() => b.changed.includes(record.id), 'the rename')
      expect(names(await b.handlers['runs.list'](undefined))).toEqual(['renamed by a'])

      a.changed.length = 0
      b.changed.length = 0
      expect(await cli(['runs', 'delete', record.id, '--home', home])).toBe(0)
      await eventually(() => a.changed.includes(record.id) && b.changed.includes(record.id), 'the deletion')
      expect(await b.handlers['runs.list'](undefined)).toEqual([])
    } finally {
      await a.shutdown()
      await b.shutdown()
    }
  })
})
