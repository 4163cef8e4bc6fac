import { beforeEach, describe, expect, it } from 'vitest'
import { shallowRef } from 'vue'
import { epochs } from '../../../lib/run-record.fixtures'
import { installTestBridge, settle } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { activations } from '../inspect.fixtures'
import { useInspection } from './use-inspection'

const bridge = installTestBridge()
beforeEach(() => bridge.reset())

const epochEvent = (runId: string, epoch: number) => ({
  runId,
  metrics: epochs([0.9, 0.95])[epoch - 1],
  epochs: 2,
  etaMs: null,
})

describe('useInspection', () => {
  it('shows the image asked for last, even when an earlier one answers later', async () => {
    const { result, stop } = inScope(() => useInspection(shallowRef('run-a')))
    void result.inspect({ kind: 'test', index: 3 })
    void result.inspect({ kind: 'test', index: 7 })
    expect(result.loading.value).toBe(true)
    const [three, seven] = bridge.requests('inspect.activations')
    expect(seven.input).toEqual({ runId: 'run-a', image: { kind: 'test', index: 7 } })
    await seven.answer(activations('run-a', 1, 7))
    await three.answer(activations('run-a', 1, 3))
    expect(result.result.value?.index).toBe(7)
    expect(result.loading.value).toBe(false)
    expect(result.elapsedMs.value).toBeGreaterThanOrEqual(0)
    stop()
  })

  it('asks again after each epoch of its run while it follows, and not when it does not', async () => {
    const { result, stop } = inScope(() => useInspection(shallowRef('run-a')))
    bridge.handle('inspect.activations', ({ runId }) => activations(runId, 1))
    await result.inspect({ kind: 'test', index: 0 })
    bridge.handle('inspect.activations', ({ runId }) => activations(runId, 2))
    bridge.emit('runs.epoch', epochEvent('run-b', 2))
    await settle()
    expect(result.result.value?.checkpointEpoch).toBe(1)
    bridge.emit('runs.epoch', epochEvent('run-a', 2))
    await settle()
    expect(result.result.value?.checkpointEpoch).toBe(2)

    result.follow.value = false
    bridge.handle('inspect.activations', ({ runId }) => activations(runId, 3))
    bridge.emit('runs.epoch', epochEvent('run-a', 2))
    await settle()
    expect(result.result.value?.checkpointEpoch).toBe(2)
    stop()
    expect(bridge.listenerCount('runs.epoch')).toBe(0)
  })

  it('keeps the code of an error, so a run without a checkpoint reads as not ready yet', async () => {
    const runId = shallowRef('run-a')
    const { result, stop } = inScope(() => useInspection(runId))
    void result.inspect({ kind: 'test', index: 0 })
    await bridge.requests('inspect.activations')[0].fail({
      code: 'unavailable',
      message: 'This run has no checkpoint yet.',
    })
    expect(result.error.value).toBe('This run has no checkpoint yet.')
    expect(result.errorCode.value).toBe('unavailable')

    // Another run: the same image through its network.
    bridge.handle('inspect.activations', ({ runId: id }) => activations(id, 4))
    runId.value = 'run-b'
    await settle()
    expect(result.result.value).toMatchObject({ runId: 'run-b', checkpointEpoch: 4 })
    expect(result.errorCode.value).toBeNull()
    stop()
  })
})
