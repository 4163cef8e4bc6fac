import { describe, expect, it } from 'vitest'
import { describeArchitecture } from './architecture'
import { runRecord } from './run-record.fixtures'

describe('architecture text', () => {
  it('describes the notebook network in one line', () => {
    const record = runRecord('1', 'a', {}, [])
    expect(describeArchitecture(record.config.architecture)).toBe(
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
    expect(describeArchitecture(architecture)).toBe('conv5×5·32 /2 tanh maxpool → dense 10')
  })
})
