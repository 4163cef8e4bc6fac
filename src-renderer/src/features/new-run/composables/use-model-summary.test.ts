import { beforeEach, describe, expect, it } from 'vitest'
import { shallowRef } from 'vue'
import { NOTEBOOK_ARCHITECTURE, type Architecture } from '@common/schemas'
import { installTestBridge, settle } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { modelSummary } from '../new-run.fixtures'
import { useModelSummary, type NetworkInput } from './use-model-summary'

const bridge = installTestBridge()
beforeEach(() => bridge.reset())

const wider: Architecture = {
  ...NOTEBOOK_ARCHITECTURE,
  denseLayers: [{ units: 800, activation: 'relu', dropout: 0.4, batchNorm: false }],
}

describe('useModelSummary', () => {
  it('asks once typing pauses, and keeps the summary of the latest architecture', async () => {
    const architecture = shallowRef<Architecture | null>(NOTEBOOK_ARCHITECTURE)
    const { result, stop } = inScope(() => useModelSummary(architecture, undefined, { delayMs: 0 }))
    expect(result.pending.value).toBe(true)
    await settle()
    architecture.value = wider
    await settle()
    await settle()
    const [first, second] = bridge.requests('model.summary')
    expect(second.input).toEqual({ architecture: wider })
    await second.answer(modelSummary(800))
    await first.answer(modelSummary(500))
    expect(result.summary.value?.totalParams).toBe(800)
    expect(result.pending.value).toBe(false)
    // The same network rebuilt (another field of the form was edited) is not asked again.
    architecture.value = structuredClone(wider)
    await settle()
    await settle()
    expect(bridge.pending).toEqual([])
    stop()
  })

  it('keeps the last good summary while the form has errors, and names the field the engine refuses', async () => {
    const architecture = shallowRef<Architecture | null>(NOTEBOOK_ARCHITECTURE)
    const { result, stop } = inScope(() => useModelSummary(architecture, undefined, { delayMs: 0 }))
    await settle()
    await bridge.requests('model.summary')[0].answer(modelSummary(500))

    architecture.value = null
    await settle()
    expect(result.pending.value).toBe(false)
    expect(result.summary.value?.totalParams).toBe(500)
    expect(bridge.pending).toEqual([])

    architecture.value = wider
    await settle()
    await settle()
    await bridge.requests('model.summary')[0].fail({
      code: 'invalid',
      message: 'Conv block 2 leaves no pixels.',
      field: 'architecture.convBlocks.1',
    })
    expect(result.error.value).toBe('Conv block 2 leaves no pixels.')
    expect(result.errorAt.value).toBe('architecture.convBlocks.1')
    expect(result.summary.value?.totalParams).toBe(500)
    stop()
  })

  it("asks again on the data set's input and classes: a folder of 3 colour classes at 32x32", async () => {
    const architecture = shallowRef<Architecture | null>(NOTEBOOK_ARCHITECTURE)
    const input = shallowRef<NetworkInput | null>(null)
    const { stop } = inScope(() => useModelSummary(architecture, input, { delayMs: 0 }))
    await settle()
    expect(bridge.requests('model.summary')[0].input).toEqual({ architecture: NOTEBOOK_ARCHITECTURE })
    input.value = { inputShape: [32, 32, 3], numClasses: 3 }
    await settle()
    await settle()
    expect(bridge.requests('model.summary')[1].input).toEqual({
      architecture: NOTEBOOK_ARCHITECTURE,
      inputShape: [32, 32, 3],
      numClasses: 3,
    })
    stop()
  })

  it('sends nothing after its component is gone', async () => {
    const architecture = shallowRef<Architecture | null>(NOTEBOOK_ARCHITECTURE)
    const { stop } = inScope(() => useModelSummary(architecture, undefined, { delayMs: 10 }))
    stop()
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(bridge.pending).toEqual([])
  })
})
