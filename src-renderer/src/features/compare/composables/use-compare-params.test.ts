import { describe, expect, it } from 'vitest'
import { shallowRef } from 'vue'
import { NOTEBOOK_ARCHITECTURE, type Architecture } from '@common/schemas'
import { freshBridge, settle } from '../../../api/testing'
import { inScope } from '../../../composables/testing'

const small: Architecture = {
  ...NOTEBOOK_ARCHITECTURE,
  convBlocks: [{ ...NOTEBOOK_ARCHITECTURE.convBlocks[0], filters: 8 }],
  denseLayers: [],
}

describe('useCompareParams', () => {
  it('asks for the parameter count of each architecture once, for every user', async () => {
    const bridge = await freshBridge()
    const { useCompareParams } = await import('./use-compare-params')
    const asked: Architecture[] = []
    bridge.handle('model.summary', ({ architecture }) => {
      asked.push(architecture as Architecture)
      const totalParams = architecture.convBlocks[0].filters * 100
      return { layers: [], totalParams }
    })
    const architectures = shallowRef<readonly Architecture[]>([NOTEBOOK_ARCHITECTURE, NOTEBOOK_ARCHITECTURE])
    const one = inScope(() => useCompareParams(architectures))
    await settle()
    expect(one.result.paramsOf(NOTEBOOK_ARCHITECTURE)).toBe(3200)
    expect(one.result.paramsOf(small)).toBeNull()

    const two = inScope(() => useCompareParams(shallowRef([NOTEBOOK_ARCHITECTURE, small])))
    await settle()
    expect(two.result.paramsOf(small)).toBe(800)
    expect(asked).toEqual([NOTEBOOK_ARCHITECTURE, small])
    one.stop()
    two.stop()
  })

  it('leaves out a count the engine cannot give, and asks again later', async () => {
    const bridge = await freshBridge()
    const { useCompareParams } = await import('./use-compare-params')
    bridge.handle('model.summary', () => {
      throw new Error('The engine is busy.')
    })
    const architectures = shallowRef<readonly Architecture[]>([small])
    const { result, stop } = inScope(() => useCompareParams(architectures))
    await settle()
    expect(result.paramsOf(small)).toBeNull()
    bridge.handle('model.summary', () => ({ layers: [], totalParams: 800 }))
    architectures.value = [small]
    await settle()
    expect(result.paramsOf(small)).toBe(800)
    stop()
  })
})
