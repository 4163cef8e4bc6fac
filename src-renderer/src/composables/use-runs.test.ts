import { describe, expect, it } from 'vitest'
import type { RunListItem } from '@common/contract'
import { freshBridge, settle } from '../api/testing'
import { batchProgress, epochs, runRecord } from '../lib/run-record.fixtures'
import { inScope } from './testing'

/** Fresh modules for each test: the run list is shared by the whole app. */
async function fresh() {
  const bridge = await freshBridge()
  const { useRuns } = await import('./use-runs')
  return { bridge, useRuns }
}

const item = (id: string, status: 'running' | 'completed' = 'completed'): RunListItem => ({
  id,
  damaged: false,
  record: { ...runRecord(id, `run ${id}`, {}, []), status },
})

/** Long enough for the reload that follows a burst of events (200 ms after the last). */
const afterBurst = () => new Promise((resolve) => setTimeout(resolve, 250))

describe('useRuns', () => {
  it('lists the runs once for all its users and reloads once after a burst of events', async () => {
    const { bridge, useRuns } = await fresh()
    const one = inScope(() => useRuns())
    const two = inScope(() => useRuns())
    expect(bridge.requests('runs.list')).toHaveLength(1)
    await bridge.requests('runs.list')[0].answer([item('a')])
    expect(one.result.items.value.map((i) => i.id)).toEqual(['a'])
    expect(two.result.loaded.value).toBe(true)

    bridge.emit('runs.changed', { runId: 'b' })
    bridge.emit('runs.epoch', { runId: 'a', metrics: epochs([0.9])[0], epochs: 1, etaMs: 0 })
    await afterBurst()
    expect(bridge.requests('runs.list')).toHaveLength(1)
    await bridge.requests('runs.list')[0].answer([item('b'), item('a')])
    expect(one.result.items.value.map((i) => i.id)).toEqual(['b', 'a'])
    one.stop()
    two.stop()
  })

  it('shows a status change at once and keeps the latest progress of running runs', async () => {
    const { bridge, useRuns } = await fresh()
    const { result, stop } = inScope(() => useRuns())
    await bridge.requests('runs.list')[0].answer([item('a', 'running')])
    bridge.emit('runs.progress', batchProgress('a', 1, 4))
    expect(result.live.value.get('a')?.batch).toBe(4)
    bridge.emit('runs.status', { runId: 'a', status: 'stopped' })
    const [a] = result.items.value
    expect(!a.damaged && a.record.status).toBe('stopped')
    expect(result.live.value.has('a')).toBe(false)
    stop()
  })

  it('stops listening, and drops a pending reload, when its last user goes', async () => {
    const { bridge, useRuns } = await fresh()
    const one = inScope(() => useRuns())
    const two = inScope(() => useRuns())
    await bridge.requests('runs.list')[0].answer([])
    one.stop()
    expect(bridge.listenerCount('runs.changed')).toBe(1)
    bridge.emit('runs.changed', { runId: 'a' })
    two.stop()
    expect(bridge.listenerCount('runs.changed')).toBe(0)
    await afterBurst()
    await settle()
    expect(bridge.requests('runs.list')).toEqual([])
  })

  it('says why the list could not be read', async () => {
    const { bridge, useRuns } = await fresh()
    const { result, stop } = inScope(() => useRuns())
    await bridge
      .requests('runs.list')[0]
      .fail({ code: 'internal', message: 'The runs folder cannot be read.' })
    expect(result.error.value).toBe('The runs folder cannot be read.')
    expect(result.loaded.value).toBe(true)
    stop()
  })
})
