import { describe, expect, it } from 'vitest'
import { findPreset } from '@common/presets'
import { parseWorkload, workloadConfig } from './workloads'

describe('bench workloads', () => {
  it('train the preset’s network, or the one --architecture gives with the same recipe', () => {
    const best = workloadConfig('best')
    expect(best.architecture).toEqual(findPreset('Best accuracy')!.config.architecture)
    const own = workloadConfig('best', { convBlocks: [{ filters: 8, kernelSize: 3 }], denseLayers: [] })
    expect(own.architecture.convBlocks).toEqual([expect.objectContaining({ filters: 8, kernelSize: 3 })])
    expect({ ...own, architecture: null }).toEqual({ ...best, architecture: null })
  })

  it('refuse a network with a misspelt key, or a workload nobody knows, naming it', () => {
    const misspelt = { convBlocks: [{ filters: 8, kernelSize: 3, dropuot: 0.2 }], denseLayers: [] }
    expect(() => workloadConfig('notebook', misspelt)).toThrow(
      '--architecture is not accepted (at convBlocks.0): Unrecognized key: "dropuot".',
    )
    expect(() => parseWorkload('fastest')).toThrow(
      'unknown workload "fastest"; the workloads are notebook, best',
    )
  })
})
