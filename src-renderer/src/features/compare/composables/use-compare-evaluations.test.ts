import { describe, expect, it } from 'vitest'
import { freshBridge, settle } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { evaluation } from '../../inspect/inspect.fixtures'

/** Fresh modules for each test: computed evaluations are kept for the page's life. */
async function fresh() {
  const bridge = await freshBridge()
  const { useCompareEvaluations } = await import('./use-compare-evaluations')
  return { bridge, useCompareEvaluations }
}

const runs = [
  { id: 'a', checkpointEpoch: 2 },
  { id: 'b', checkpointEpoch: 5 },
]

describe('useCompareEvaluations', () => {
  it('evaluates the runs one after another, with the progress of each', async () => {
    const { bridge, useCompareEvaluations } = await fresh()
    const { result, stop } = inScope(() => useCompareEvaluations())
    result.evaluate(runs)
    await settle()
    expect(bridge.requests('inspect.evaluate').map((r) => r.input.runId)).toEqual(['a'])
    expect(result.states.value.get('b')).toEqual({ status: 'running', done: 0, total: 0 })
    bridge.emit('inspect.progress', { runId: 'a', done: 3, total: 10 })
    expect(result.states.value.get('a')).toEqual({ status: 'running', done: 3, total: 10 })

    await bridge.requests('inspect.evaluate')[0].answer(evaluation('a', 2))
    expect(result.states.value.get('a')).toMatchObject({ status: 'done', result: { accuracy: 0.75 } })
    expect(bridge.requests('inspect.evaluate').map((r) => r.input.runId)).toEqual(['b'])
    await bridge.requests('inspect.evaluate')[0].fail({ code: 'unavailable', message: 'No checkpoint yet.' })
    expect(result.states.value.get('b')).toEqual({ status: 'failed', error: 'No checkpoint yet.' })
    stop()
    expect(bridge.listenerCount('inspect.progress')).toBe(0)
  })

  it('shows what is known for a run’s checkpoint without asking again, and forgets it for a newer one', async () => {
    const { bridge, useCompareEvaluations } = await fresh()
    const first = inScope(() => useCompareEvaluations())
    let asked = 0
    bridge.handle('inspect.evaluate', ({ runId }) => {
      asked++
      return evaluation(runId, 2)
    })
    first.result.evaluate([runs[0]])
    await settle()
    first.stop()

    // The view comes back: the result of checkpoint 2 is shown at once.
    const again = inScope(() => useCompareEvaluations())
    again.result.restore([runs[0]])
    expect(again.result.states.value.get('a')).toMatchObject({ status: 'done' })
    again.result.evaluate([runs[0]])
    await settle()
    expect(asked).toBe(1)

    // A newer checkpoint: the old matrix is no answer for it.
    again.result.restore([{ id: 'a', checkpointEpoch: 3 }])
    expect(again.result.states.value.has('a')).toBe(false)
    again.stop()
  })
})
