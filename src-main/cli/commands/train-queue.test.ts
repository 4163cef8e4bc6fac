import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunStatus } from '@common/contract'
import { TrainerSlots } from '../../engine/runs/trainer-slots'
import { managerOnFreshHome, useBarDataRoot, type Event } from '../../engine/runs/test-helpers'
import { TINY_ARCHITECTURE } from '../../engine/train/test-data'
import { startCliProcess } from './testing'

const where = useBarDataRoot('cnn-queue-cli-')

const statuses = (events: Event[], runId: string): RunStatus[] =>
  events.flatMap((e) => (e.channel === 'runs.status' && e.payload.runId === runId ? [e.payload.status] : []))

/** The run ids of queue.json, in order. */
async function queueFile(home: string): Promise<string[]> {
  const text = await readFile(join(home, 'queue.json'), 'utf8')
  return (JSON.parse(text) as { entries: { runId: string }[] }).entries.map((e) => e.runId)
}

describe('the run queue kept in the home', { timeout: 120_000 }, () => {
  it('survives the death of the process that queued a run: the next workbench trains it in its turn', async () => {
    const a = await managerOnFreshHome(where.root, { maxTrainers: () => 1 })
    await writeFile(join(a.home, 'settings.json'), JSON.stringify({ maxTrainers: 1 }))
    const busy = await new TrainerSlots({ home: a.home, cap: () => 1 }).tryTake('elsewhere')
    const cli = startCliProcess([
      'train',
      '--home',
      a.home,
      '--dataset',
      where.dataFolder,
      '--architecture',
      JSON.stringify(TINY_ARCHITECTURE),
      '--epochs',
      '1',
      '--batch-size',
      '30',
      '--backend',
      'cpu',
      '--validation-split',
      '0',
    ])
    await cli.waitFor(/Queued, next in line/)
    const [queued] = await queueFile(a.home)
    cli.process.kill('SIGKILL')
    await cli.exited
    // Its owner gone, the run holds no place, and reads as interrupted until adopted.
    expect(await a.manager.queueList()).toEqual([])
    expect((await a.manager.get(queued)).record.status).toBe('interrupted')

    expect(await a.manager.adoptQueued()).toEqual([queued])
    expect((await a.manager.queueList()).map((e) => [e.runId, e.place])).toEqual([[queued, 1]])
    expect((await a.manager.get(queued)).record.status).toBe('queued')
    await busy!.release()
    const done = await a.manager.waitFor(queued)
    expect(done).toMatchObject({ status: 'completed', checkpointEpoch: 1 })
    expect(statuses(a.events, queued)).toEqual(['queued', 'running', 'completed'])
    expect(await queueFile(a.home)).toEqual([])
  })
})
