import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TrainerSlots } from '../../engine/runs/trainer-slots'
import { managerOnFreshHome, useBarDataRoot, queueFileRunIds, statuses } from '../../engine/runs/test-helpers'
import { TINY_ARCHITECTURE } from '../../engine/train/test-data'
import { startCliProcess } from './testing'

const where = useBarDataRoot('cnn-queue-cli-')

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
    const [queued] = await queueFileRunIds(a.home)
    cli.process.kill('SIGKILL')
    await cli.exited
    // Its owner gone, the run holds no place, and reads as interrupted until adopted.
    expect(await a.manager.runQueue.list()).toEqual([])
    expect((await a.manager.get(queued)).record.status).toBe('interrupted')

    expect(await a.manager.runQueue.adopt()).toEqual([queued])
    expect((await a.manager.runQueue.list()).map((e) => [e.runId, e.place])).toEqual([[queued, 1]])
    expect((await a.manager.get(queued)).record.status).toBe('queued')
    await busy!.release()
    const done = await a.manager.waitFor(queued)
    expect(done).toMatchObject({ status: 'completed', checkpointEpoch: 1 })
    expect(statuses(a.events, queued)).toEqual(['queued', 'running', 'completed'])
    expect(await queueFileRunIds(a.home)).toEqual([])
  })
})
