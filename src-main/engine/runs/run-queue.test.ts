import { describe, expect, it } from 'vitest'
import type { RunConfigInput } from '@common/schemas'
import { TrainerSlots } from './trainer-slots'
import {
  barRunConfig,
  managerOnFreshHome,
  managerOnHome,
  useBarDataRoot,
  queueFileRunIds,
  statuses,
} from './test-helpers'

const where = useBarDataRoot('cnn-queue-')
const config = (overrides: RunConfigInput = {}) => barRunConfig(where.dataFolder, { epochs: 1, ...overrides })

describe('the run queue of a home', { timeout: 180_000 }, () => {
  it('is one line for every process on the home: reordered and cancelled from either', async () => {
    const a = await managerOnFreshHome(where.root, { maxTrainers: () => 1 })
    const b = managerOnHome(a.home, { maxTrainers: () => 1 })
    // Another process of this home holds the one trainer.
    const busy = await new TrainerSlots({ home: a.home, cap: () => 1 }).tryTake('elsewhere')
    expect(busy).not.toBeNull()
    const r1 = await a.manager.start(config({ seed: 1 }))
    const r2 = await a.manager.start(config({ seed: 2 }))
    const r3 = await b.manager.start(config({ seed: 3 }))
    expect([r1.queuePlace, r2.queuePlace, r3.queuePlace]).toEqual([1, 2, 3])
    expect((await b.manager.runQueue.list()).map((e) => [e.runId, e.place])).toEqual([
      [r1.id, 1],
      [r2.id, 2],
      [r3.id, 3],
    ])

    // b moves its run to the front: a's runs learn their new places.
    const moved = await b.manager.runQueue.move(r3.id, 1)
    expect(moved.map((e) => e.runId)).toEqual([r3.id, r1.id, r2.id])
    await a.next(
      (e) => e.channel === 'runs.status' && e.payload.runId === r1.id && e.payload.queuePlace === 2,
    )
    expect(await queueFileRunIds(a.home)).toEqual([r3.id, r1.id, r2.id])

    // b cancels a's second run: a stops it without training it.
    await b.manager.runQueue.cancel(r2.id)
    expect((await a.manager.waitFor(r2.id)).status).toBe('stopped')
    expect(statuses(a.events, r2.id)).toEqual(['queued', 'queued', 'stopped'])

    await busy!.release()
    expect((await b.manager.waitFor(r3.id)).status).toBe('completed')
    expect((await a.manager.waitFor(r1.id)).status).toBe('completed')
    // The moved run trained first: with one trainer, r1's epoch came after r3's.
    const [third] = (await b.manager.get(r3.id)).metrics
    const [first] = (await a.manager.get(r1.id)).metrics
    expect(Date.parse(first.time)).toBeGreaterThan(Date.parse(third.time))
    expect(await queueFileRunIds(a.home)).toEqual([])
    await expect(b.manager.runQueue.move(r2.id, 1)).rejects.toThrow(`Run ${r2.id} is not in the queue.`)
  })
})
