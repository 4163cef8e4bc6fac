import { beforeEach, describe, expect, it } from 'vitest'
import { shallowRef } from 'vue'
import { installTestBridge, settle } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { batchProgress, epochs, runDetails, runRecord } from '../../../lib/run-record.fixtures'
import { useRunEvents } from './use-run-events'

const bridge = installTestBridge()
beforeEach(() => bridge.reset())

const running = (id: string) => ({
  ...runRecord(id, `run ${id}`, { epochs: 2 }, []),
  status: 'running' as const,
})

describe('useRunEvents', () => {
  it('loads the stored run, then follows its events and no other run’s', async () => {
    const { result, stop } = inScope(() => useRunEvents(shallowRef('a')))
    expect(result.loading.value).toBe(true)
    const [first] = epochs([0.9])
    await bridge.requests('runs.get')[0].answer(runDetails(running('a'), [first], [batchProgress('a', 2, 3)]))
    expect(result.loading.value).toBe(false)
    expect(result.record.value?.status).toBe('running')
    expect(result.series.valAccuracy).toEqual([{ x: 1, y: 0.9 }])
    expect(result.progress.value?.batch).toBe(3)

    const revision = result.revision.value
    bridge.emit('runs.progress', batchProgress('b', 2, 9))
    expect(result.progress.value?.batch).toBe(3)
    bridge.emit('runs.progress', batchProgress('a', 2, 4))
    expect(result.progress.value?.batch).toBe(4)
    bridge.emit('runs.epoch', { runId: 'a', metrics: epochs([0.9, 0.95])[1], epochs: 2, etaMs: 0 })
    expect(result.series.valAccuracy.map((p) => p.y)).toEqual([0.9, 0.95])
    expect(result.revision.value).toBe(revision + 2)
    stop()
  })

  it('shows a new status at once and keeps the record of the latest load, not a late older one', async () => {
    const { result, stop } = inScope(() => useRunEvents(shallowRef('a')))
    await bridge.requests('runs.get')[0].answer(runDetails(running('a')))

    bridge.emit('runs.status', { runId: 'a', status: 'stopped' })
    expect(result.record.value?.status).toBe('stopped')
    bridge.emit('runs.changed', { runId: 'a' })
    const [afterStatus, afterRename] = bridge.requests('runs.get')
    await afterRename.answer(runDetails({ ...running('a'), status: 'stopped', name: 'renamed' }))
    await afterStatus.answer(runDetails({ ...running('a'), status: 'stopped', name: 'old name' }))
    expect(result.record.value?.name).toBe('renamed')
    stop()
  })

  it('starts over for another run and drops what the previous one still answers', async () => {
    const runId = shallowRef('a')
    const { result, stop } = inScope(() => useRunEvents(runId))
    runId.value = 'b'
    await settle()
    expect(result.record.value).toBeNull()
    expect(result.loading.value).toBe(true)
    const [forA, forB] = bridge.requests('runs.get')
    expect(forB.input).toEqual({ id: 'b' })
    await forA.answer(runDetails(running('a'), epochs([0.5])))
    expect(result.record.value).toBeNull()
    expect(result.series.valAccuracy).toEqual([])
    await forB.answer(runDetails(running('b')))
    expect(result.record.value?.id).toBe('b')
    stop()
  })

  it('says why the run cannot be loaded, and stops listening when its view goes', async () => {
    const { result, stop } = inScope(() => useRunEvents(shallowRef('gone')))
    await bridge.requests('runs.get')[0].fail({ code: 'not_found', message: 'There is no run gone.' })
    expect(result.error.value).toBe('There is no run gone.')
    expect(result.loading.value).toBe(false)
    stop()
    for (const channel of ['runs.progress', 'runs.epoch', 'runs.status', 'runs.changed'] as const) {
      expect(bridge.listenerCount(channel), channel).toBe(0)
    }
  })
})
