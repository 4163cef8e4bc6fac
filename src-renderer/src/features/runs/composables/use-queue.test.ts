import { describe, expect, it } from 'vitest'
import type { QueueEntry } from '@common/contract'
import { freshBridge } from '../../../api/testing'
import { inScope } from '../../../composables/testing'

const entry = (runId: string, place: number): QueueEntry => ({
  runId,
  name: `run ${runId}`,
  place,
  sweepId: null,
  enqueuedAt: '2026-11-29T10:00:00.000Z',
})

describe('useQueue', () => {
  it('loads the queue, follows its changes, and shows the queue a move or cancel answers', async () => {
    const bridge = await freshBridge()
    const { useQueue } = await import('./use-queue')
    const { result, stop } = inScope(() => useQueue())
    await bridge.requests('queue.list')[0].answer([entry('a', 1), entry('b', 2)])
    expect(result.entries.value.map((e) => e.runId)).toEqual(['a', 'b'])

    bridge.emit('queue.changed', { entries: [entry('b', 1)] })
    expect(result.entries.value.map((e) => e.runId)).toEqual(['b'])

    const moving = result.move('c', 1)
    expect(bridge.requests('queue.move')[0].input).toEqual({ runId: 'c', place: 1 })
    await bridge.requests('queue.move')[0].answer([entry('c', 1), entry('b', 2)])
    await moving
    expect(result.entries.value.map((e) => e.runId)).toEqual(['c', 'b'])

    const cancelling = result.cancel('b')
    await bridge.requests('queue.cancel')[0].fail({ code: 'not_found', message: 'Run b is not queued.' })
    await cancelling
    expect(result.error.value).toBe('Run b is not queued.')
    expect(result.entries.value.map((e) => e.runId)).toEqual(['c', 'b'])
    stop()
    expect(bridge.listenerCount('queue.changed')).toBe(0)
  })
})
