import { describe, expect, it } from 'vitest'
import { ref } from 'vue'
import { freshBridge } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { epochs } from '../../../lib/run-record.fixtures'
import { sweepRecordFixture, trialFixture } from '../sweep.fixtures'

/** Past the settling delay after an event (250 ms). */
const settled = () => new Promise((resolve) => setTimeout(resolve, 300))

describe('useSweep', () => {
  it('reloads when the sweep changes or one of its trials ends an epoch, and not for others', async () => {
    const bridge = await freshBridge()
    const { useSweep } = await import('./use-sweep')
    const { result, stop } = inScope(() => useSweep(ref('sweep-1')))
    const record = sweepRecordFixture([trialFixture(1, { state: 'running', values: [0.9], value: 0.9 })])
    expect(bridge.requests('sweeps.get')[0].input).toEqual({ id: 'sweep-1' })
    await bridge.requests('sweeps.get')[0].answer({ record, metrics: {} })
    expect(result.record.value?.trials[0].value).toBe(0.9)

    bridge.emit('sweeps.changed', { sweepId: 'another' })
    bridge.emit('runs.epoch', { runId: 'not-a-trial', metrics: epochs([0.5])[0], epochs: 3, etaMs: 0 })
    await settled()
    expect(bridge.requests('sweeps.get')).toHaveLength(0)

    bridge.emit('runs.epoch', { runId: 'run-1', metrics: epochs([0.9, 0.95])[1], epochs: 3, etaMs: 0 })
    bridge.emit('sweeps.changed', { sweepId: 'sweep-1' })
    await settled()
    // A burst of events makes one reload.
    expect(bridge.requests('sweeps.get')).toHaveLength(1)
    const later = sweepRecordFixture([
      trialFixture(1, { state: 'running', values: [0.9, 0.95], value: 0.95 }),
    ])
    await bridge.requests('sweeps.get')[0].answer({ record: later, metrics: {} })
    expect(result.record.value?.trials[0].value).toBe(0.95)
    stop()
    expect(bridge.listenerCount('sweeps.changed')).toBe(0)
  })
})
