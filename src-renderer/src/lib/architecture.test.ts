import { describe, expect, it } from 'vitest'
import { BEST_ACCURACY_ARCHITECTURE } from '@common/presets'
import { architectureSchema } from '@common/schemas'
import { describeArchitecture } from './architecture'
import { runRecord } from './run-record.fixtures'

describe('architecture text', () => {
  it('describes the notebook network in one line', () => {
    const record = runRecord('1', 'a', {}, [])
    expect(describeArchitecture(record.config.architecture, 10)).toBe(
      'conv5×5·32 maxpool → conv5×5·64 maxpool → dense 500 drop 0.4 → dense 10',
    )
  })

  it('names a stride and an activation other than relu', () => {
    const record = runRecord('1', 'a', {}, [])
    const architecture = {
      ...record.config.architecture,
      convBlocks: [{ ...record.config.architecture.convBlocks[0], stride: 2, activation: 'tanh' as const }],
      denseLayers: [],
    }
    expect(describeArchitecture(architecture, 10)).toBe('conv5×5·32 /2 tanh maxpool → dense 10')
  })

  it('names several convs, batch norm, strides and dropout after a block: the Best accuracy net', () => {
    expect(describeArchitecture(BEST_ACCURACY_ARCHITECTURE, 10)).toBe(
      'conv3×3·32 ×2 bn → conv5×5·32 /2 bn drop 0.4 → conv3×3·64 ×2 bn → conv5×5·64 /2 bn drop 0.4 → conv4×4·128 bn drop 0.4 → dense 10',
    )
  })

  it('names global average pooling and a dense layer’s batch norm', () => {
    const architecture = architectureSchema.parse({
      convBlocks: [{ filters: 8, kernelSize: 3, pooling: 'none' }],
      globalPooling: 'avg',
      denseLayers: [{ units: 64, batchNorm: true, dropout: 0.2 }],
    })
    expect(describeArchitecture(architecture, 10)).toBe('conv3×3·8 → gap → dense 64 bn drop 0.2 → dense 10')
  })
})
