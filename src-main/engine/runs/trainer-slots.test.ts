import { describe, expect, it } from 'vitest'
import type { RunStatus } from '@common/contract'
import type { RunConfigInput } from '@common/schemas'
import type { RunManagerOptions } from './run-manager'
import { barRunConfig, managerOnFreshHome, managerOnHome, useBarDataRoot, type Event } from './test-helpers'

const where = useBarDataRoot('cnn-slots-')
const config = (overrides: RunConfigInput = {}) => barRunConfig(where.dataFolder, overrides)
const setup = (options: Partial<RunManagerOptions> = {}) => managerOnFreshHome(where.root, options)

/** The most runs that were training at once, from the status events in order. */
function mostAtOnce(events: Event[]): number {
  const training = new Set<string>()
  let most = 0
  for (const e of events) {
    if (e.channel !== 'runs.status') continue
    if (e.payload.status === 'running') training.add(e.payload.runId)
    else training.delete(e.payload.runId)
    most = Math.max(most, training.size)
  }
  return most
}

const statuses = (events: Event[], runId: string): RunStatus[] =>
  events.flatMap((e) => (e.channel === 'runs.status' && e.payload.runId === runId ? [e.payload.status] : []))

describe('the cap on trainers', { timeout: 120_000 }, () => {
  it('keeps runs past the cap queued, in line and visible, and trains each when a trainer frees', async () => {
    const { manager, events } = await setup({ maxTrainers: () => 1 })
    const first = await manager.start(config({ epochs: 2 }))
    const second = await manager.start(config({ epochs: 1, seed: 4 }))
    const third = await manager.start(config({ epochs: 1, seed: 5 }))
    expect(first.status).toBe('running')
    expect(second).toMatchObject({ status: 'queued', queuePlace: 1 })
    expect(third).toMatchObject({ status: 'queued', queuePlace: 2 })
    const listed = Object.fromEntries(
      (await manager.list()).map((item) => [item.id, item.damaged ? null : item.record]),
    )
    expect(listed[third.id]).toMatchObject({ status: 'queued', queuePlace: 2 })
    expect((await manager.get(second.id)).record).toMatchObject({ status: 'queued', queuePlace: 1 })

    // A queued run stops without ever starting a trainer; the one behind moves up.
    const stopped = await manager.stop(third.id)
    expect(stopped).toMatchObject({ status: 'stopped', backend: null, checkpointEpoch: 0 })
    expect(stopped.queuePlace).toBeUndefined()
    expect(statuses(events, third.id)).toEqual(['queued', 'stopped'])

    expect((await manager.waitFor(first.id)).status).toBe('completed')
    const last = await manager.waitFor(second.id)
    expect(last.status).toBe('completed')
    expect(last.queuePlace).toBeUndefined()
    expect(statuses(events, second.id)).toEqual(['queued', 'running', 'completed'])
    expect(mostAtOnce(events)).toBe(1)
  })

  it('holds across processes that share a home: a run waits for a trainer another one uses', async () => {
    const a = await setup({ maxTrainers: () => 1 })
    const b = managerOnHome(a.home, { maxTrainers: () => 1 })
    const first = await a.manager.start(config({ epochs: 2 }))
    const second = await b.manager.start(config({ epochs: 1 }))
    expect(first.status).toBe('running')
    expect(second).toMatchObject({ status: 'queued', queuePlace: 1 })
    // The other process sees it queued too, from its record.
    expect((await a.manager.get(second.id)).record).toMatchObject({ status: 'queued' })
    // It starts only once the first run is over, its files written and its trainer gone.
    await b.next(
      (e) => e.channel === 'runs.status' && e.payload.runId === second.id && e.payload.status === 'running',
    )
    expect((await a.manager.get(first.id)).record.status).toBe('completed')
    expect((await b.manager.waitFor(second.id)).status).toBe('completed')
  })
})
