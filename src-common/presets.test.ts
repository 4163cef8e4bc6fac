import { describe, expect, it } from 'vitest'
import { BUILTIN_PRESETS, findPreset } from './presets'
import { runConfigSchema } from './schemas'

describe('built-in presets', () => {
  it('are found by name regardless of case and spaces', () => {
    expect(findPreset('  best ACCURACY ')?.name).toBe('Best accuracy')
    expect(findPreset('notebook')?.name).toBe('Notebook')
    expect(findPreset('Fast')).toBeUndefined()
    const names = BUILTIN_PRESETS.map((p) => p.name.toLowerCase())
    expect(new Set(names).size).toBe(names.length)
  })

  it('are valid run configurations', () => {
    for (const preset of BUILTIN_PRESETS) expect(runConfigSchema.safeParse(preset.config).success).toBe(true)
  })

  it('Notebook is the seed’s recipe: its network, Adam 1e-4, batch 100, 50 epochs, nothing added', () => {
    const config = runConfigSchema.parse(findPreset('Notebook')!.config)
    expect(config).toMatchObject({ epochs: 50, batchSize: 100, learningRate: 1e-4, optimizer: 'adam' })
    expect(config.validationSplit).toBe(0)
    expect(config.schedule).toEqual({ kind: 'constant' })
    expect(config.architecture.convBlocks.every((b) => !b.batchNorm && b.convs === 1)).toBe(true)
    expect(config.augmentation).toEqual({ rotation: 0, zoom: 0, shift: 0, horizontalFlip: false })
  })

  it('Best accuracy validates on a split and keeps its best epoch', () => {
    const config = runConfigSchema.parse(findPreset('Best accuracy')!.config)
    expect(config.validationSplit).toBeGreaterThan(0)
    expect(config.keepBest).toBe(true)
    expect(config.architecture.convBlocks.every((b) => b.batchNorm)).toBe(true)
  })
})
