import { beforeEach, describe, expect, it } from 'vitest'
import { shallowRef } from 'vue'
import { installTestBridge, settle } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { evaluation } from '../inspect.fixtures'
import { useEvaluation } from './use-evaluation'

const bridge = installTestBridge()
beforeEach(() => bridge.reset())

describe('useEvaluation', () => {
  it('reports the progress of its run and keeps the result', async () => {
    const { result, stop } = inScope(() => useEvaluation(shallowRef('run-a')))
    void result.evaluate()
    expect(result.running.value).toBe(true)
    bridge.emit('inspect.progress', { runId: 'run-b', done: 9, total: 10 })
    bridge.emit('inspect.progress', { runId: 'run-a', done: 2, total: 4 })
    expect(result.progress.value).toEqual({ done: 2, total: 4 })
    await bridge.requests('inspect.evaluate')[0].answer(evaluation('run-a', 3))
    expect(result.running.value).toBe(false)
    expect(result.result.value?.accuracy).toBe(0.75)
    stop()
    expect(bridge.listenerCount('inspect.progress')).toBe(0)
  })

  it('drops the evaluation of the run it showed before when the run changes', async () => {
    const runId = shallowRef('run-a')
    const { result, stop } = inScope(() => useEvaluation(runId))
    void result.evaluate()
    runId.value = 'run-b'
    await settle()
    expect(result.running.value).toBe(false)
    await bridge.requests('inspect.evaluate')[0].answer(evaluation('run-a', 3))
    expect(result.result.value).toBeNull()
    stop()
  })

  it('says why an evaluation failed, and clears that when asked again', async () => {
    const { result, stop } = inScope(() => useEvaluation(shallowRef('run-a')))
    void result.evaluate()
    await bridge.requests('inspect.evaluate')[0].fail({ code: 'unavailable', message: 'No checkpoint yet.' })
    expect(result.error.value).toBe('No checkpoint yet.')
    void result.evaluate()
    expect(result.error.value).toBe('')
    await bridge.requests('inspect.evaluate')[0].answer(evaluation('run-a', 1, 0.5))
    expect(result.result.value?.accuracy).toBe(0.5)
    stop()
  })
})
