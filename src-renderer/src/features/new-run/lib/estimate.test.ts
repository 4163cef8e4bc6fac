import { describe, expect, it } from 'vitest'
import type { LayerSummary } from '@common/contract'
import { describeRunSize, runMemory, runSize } from './estimate'

describe('run size', () => {
  it('counts batches and steps, capped by the data set', () => {
    expect(
      runSize({ epochs: '1', batchSize: '100', trainLimit: '2000', validationSplit: '0' }, 60000, null),
    ).toEqual({
      images: 2000,
      batchesPerEpoch: 20,
      steps: 20,
      trainingMs: null,
    })
    expect(
      runSize({ epochs: '2', batchSize: '100', trainLimit: '', validationSplit: '0' }, 60000, 500),
    ).toMatchObject({
      batchesPerEpoch: 600,
      steps: 1200,
      trainingMs: 240_000,
    })
    expect(
      runSize({ epochs: '1', batchSize: '64', trainLimit: '100', validationSplit: '0' }, 60000, null)
        ?.batchesPerEpoch,
    ).toBe(2)
    // A validation split of 0.1 holds 6,000 of the 60,000 out: 540 batches, not 600.
    expect(
      runSize({ epochs: '1', batchSize: '100', trainLimit: '', validationSplit: '0.1' }, 60000, 500),
    ).toMatchObject({
      images: 54000,
      batchesPerEpoch: 540,
    })
    expect(
      runSize({ epochs: 'x', batchSize: '100', trainLimit: '', validationSplit: '0' }, 60000, null),
    ).toBeNull()
    expect(
      runSize({ epochs: '1', batchSize: '100', trainLimit: '', validationSplit: '0' }, null, null),
    ).toBeNull()
  })

  it('says it in one line', () => {
    const size = runSize(
      { epochs: '1', batchSize: '100', trainLimit: '2000', validationSplit: '0' },
      60000,
      500,
    )
    expect(size && describeRunSize(size, 500)).toBe(
      '20 batches an epoch · 20 steps in all · about 4.0 s of training at 500 samples/s',
    )
  })
})

describe('run memory', () => {
  // The notebook's layers as model.summary gives them (28x28 inputs).
  const notebook: LayerSummary[] = [
    { name: 'conv1', type: 'Conv2D', outputShape: [24, 24, 32], params: 832 },
    { name: 'pool1', type: 'MaxPooling2D', outputShape: [12, 12, 32], params: 0 },
    { name: 'conv2', type: 'Conv2D', outputShape: [8, 8, 64], params: 51264 },
    { name: 'pool2', type: 'MaxPooling2D', outputShape: [4, 4, 64], params: 0 },
    { name: 'flatten', type: 'Flatten', outputShape: [1024], params: 0 },
    { name: 'dense1', type: 'Dense', outputShape: [500], params: 512500 },
    { name: 'dropout1', type: 'Dropout', outputShape: [500], params: 0 },
    { name: 'output', type: 'Dense', outputShape: [10], params: 5010 },
  ]
  const machine = { cores: 2, memoryBytes: 24 * 1024 ** 3 }
  const config = { batchSize: 100, replicas: null, optimizer: 'adam', momentum: 0.9 } as const

  it('gives the notebook network its figure, per replica and in all', () => {
    const memory = runMemory({ layers: notebook, config, backend: 'wasm', machine })
    expect(memory?.problem).toBeNull()
    expect(memory?.line).toMatch(
      /^Memory at its peak: about \d+ MiB in each of 2 wasm replicas, \d+ MiB in all$/,
    )
    expect(runMemory({ layers: notebook, config, backend: 'tensorflow', machine })?.line).toMatch(
      /^Memory at its peak: about \d+ MiB on tensorflow$/,
    )
    expect(runMemory({ layers: notebook, config, backend: null, machine })).toBeNull()
  })

  it('names what does not fit, as the main side would refuse it', () => {
    const huge = { ...config, batchSize: 4096, replicas: 1 }
    const wide = notebook.map((l) => ({ ...l, outputShape: l.outputShape.map((d) => d * 4) }))
    expect(runMemory({ layers: wide, config: huge, backend: 'wasm', machine })?.problem).toMatch(
      /^This run needs about \d+ GiB in its wasm instance, .* more than the 4\.0 GiB a wasm instance can address; /,
    )
  })
})
