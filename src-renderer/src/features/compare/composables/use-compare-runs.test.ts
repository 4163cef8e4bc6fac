import { beforeEach, describe, expect, it } from 'vitest'
import { shallowRef } from 'vue'
import { installTestBridge, settle } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { epochs, runDetails, runRecord } from '../../../lib/run-record.fixtures'
import { useCompareRuns } from './use-compare-runs'

const bridge = installTestBridge()
beforeEach(() => bridge.reset())

const details = (id: string, name = `run ${id}`, accuracies = [0.9]) =>
  runDetails(runRecord(id, name, {}, epochs(accuracies)), epochs(accuracies))

/** Long enough for the reload that follows a burst of events (250 ms after the last). */
const afterBurst = () => new Promise((resolve) => setTimeout(resolve, 300))

describe('useCompareRuns', () => {
  it('loads each chosen run once, its epochs in order and without repeats', async () => {
    const ids = shallowRef<readonly string[]>(['a', 'b'])
    const { result, stop } = inScope(() => useCompareRuns(ids))
    expect(result.loading.value).toBe(true)
    const [a, b] = bridge.requests('runs.get')
    expect(a.input).toEqual({ id: 'a', batches: false })
    const [one, two] = epochs([0.8, 0.9])
    await a.answer(runDetails(runRecord('a', 'A', {}, [one, two]), [two, one, two]))
    await b.answer(details('b'))
    expect([...result.details.value.keys()]).toEqual(['a', 'b'])
    expect(result.details.value.get('a')?.metrics.map((m) => m.epoch)).toEqual([1, 2])
    expect(result.loading.value).toBe(false)

    ids.value = ['a', 'b', 'c']
    await settle()
    expect(bridge.requests('runs.get').map((r) => r.input.id)).toEqual(['c'])
    stop()
  })

  it('forgets a run that leaves the choice, even if its answer comes after', async () => {
    const ids = shallowRef<readonly string[]>(['a', 'b'])
    const { result, stop } = inScope(() => useCompareRuns(ids))
    const [a, b] = bridge.requests('runs.get')
    await a.answer(details('a'))
    ids.value = ['a']
    await settle()
    await b.answer(details('b'))
    expect([...result.details.value.keys()]).toEqual(['a'])
    stop()
  })

  it('adds a finished epoch as it comes and reloads a run once after a burst of changes', async () => {
    const ids = shallowRef<readonly string[]>(['a'])
    const { result, stop } = inScope(() => useCompareRuns(ids))
    await bridge.requests('runs.get')[0].answer(details('a', 'A', [0.8]))
    bridge.emit('runs.epoch', { runId: 'a', metrics: epochs([0.8, 0.85])[1], epochs: 2, etaMs: 0 })
    expect(result.details.value.get('a')?.metrics.map((m) => m.valAccuracy)).toEqual([0.8, 0.85])

    bridge.emit('runs.status', { runId: 'a', status: 'completed' })
    bridge.emit('runs.changed', { runId: 'a' })
    bridge.emit('runs.changed', { runId: 'elsewhere' })
    await afterBurst()
    const reloads = bridge.requests('runs.get')
    expect(reloads.map((r) => r.input.id)).toEqual(['a'])
    await reloads[0].answer(details('a', 'renamed', [0.8, 0.85]))
    expect(result.details.value.get('a')?.record.name).toBe('renamed')
    stop()
  })

  it('keeps an error per run, and the newest load of a run wins', async () => {
    const ids = shallowRef<readonly string[]>(['a', 'b'])
    const { result, stop } = inScope(() => useCompareRuns(ids))
    const [a, b] = bridge.requests('runs.get')
    await b.fail({ code: 'not_found', message: 'There is no run b.' })
    expect([...result.errors.value]).toEqual([['b', 'There is no run b.']])

    void result.reload()
    const [againA, againB] = bridge.requests('runs.get').slice(1)
    await againA.answer(details('a', 'newer'))
    await a.answer(details('a', 'older'))
    await againB.answer(details('b'))
    expect(result.details.value.get('a')?.record.name).toBe('newer')
    expect(result.errors.value.size).toBe(0)
    stop()
    expect(bridge.listenerCount('runs.epoch')).toBe(0)
  })
})
