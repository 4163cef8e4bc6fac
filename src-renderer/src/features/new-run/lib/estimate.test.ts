import { describe, expect, it } from 'vitest'
import { describeRunSize, runSize } from './estimate'

describe('run size', () => {
  it('counts batches and steps, capped by the data set', () => {
    expect(runSize({ epochs: '1', batchSize: '100', trainLimit: '2000' }, 60000, null)).toEqual({
      images: 2000,
      batchesPerEpoch: 20,
      steps: 20,
      trainingMs: null,
    })
    expect(runSize({ epochs: '2', batchSize: '100', trainLimit: '' }, 60000, 500)).toMatchObject({
      batchesPerEpoch: 600,
      steps: 1200,
      trainingMs: 240_000,
    })
    expect(runSize({ epochs: '1', batchSize: '64', trainLimit: '100' }, 60000, null)?.batchesPerEpoch).toBe(2)
    expect(runSize({ epochs: 'x', batchSize: '100', trainLimit: '' }, 60000, null)).toBeNull()
    expect(runSize({ epochs: '1', batchSize: '100', trainLimit: '' }, null, null)).toBeNull()
  })

  it('says it in one line', () => {
    const size = runSize({ epochs: '1', batchSize: '100', trainLimit: '2000' }, 60000, 500)
    expect(size && describeRunSize(size, 500)).toBe(
      '20 batches an epoch · 20 steps in all · about 4.0 s of training at 500 samples/s',
    )
  })
})
