import { describe, expect, it } from 'vitest'
import { NOTEBOOK_ARCHITECTURE } from '@common/schemas'
import { createModelHandlers } from './model'

describe('model.summary', () => {
  it('summarizes the notebook network', async () => {
    const summary = await createModelHandlers()['model.summary']({
      architecture: NOTEBOOK_ARCHITECTURE,
      inputShape: [28, 28, 1],
      numClasses: 10,
    })
    expect(summary.totalParams).toBe(569_606)
    expect(summary.layers.map((l) => l.name)).toEqual([
      'conv1',
      'pool1',
      'conv2',
      'pool2',
      'flatten',
      'dense1',
      'dropout1',
      'output',
    ])
  })

  it('rejects a network that leaves no pixels with a user error naming the block', async () => {
    const block = NOTEBOOK_ARCHITECTURE.convBlocks[0]
    const request = {
      architecture: { convBlocks: [block, block, block], globalPooling: 'none' as const, denseLayers: [] },
      inputShape: [28, 28, 1] as [number, number, number],
      numClasses: 10,
    }
    await expect(createModelHandlers()['model.summary'](request)).rejects.toMatchObject({
      name: 'UserError',
      field: 'architecture.convBlocks.2',
    })
  })
})
