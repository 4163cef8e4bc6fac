import { describe, expect, it } from 'vitest'
import { presetSchema, runConfigSchema, settingsSchema } from './schemas'

describe('schemas', () => {
  it('fill in every default of a run configuration', () => {
    expect(runConfigSchema.parse({ epochs: 3 })).toMatchObject({
      epochs: 3,
      batchSize: 100,
      learningRate: 1e-4,
    })
  })

  it('keep only the chosen fields of the settings’ defaults and of a preset', () => {
    const settings = settingsSchema.parse({ defaults: { epochs: 7 } })
    expect(settings.defaults).toEqual({ epochs: 7 })
    expect(presetSchema.parse({ name: 'Long', config: { epochs: 200 } }).config).toEqual({ epochs: 200 })
    // Still checked against the run limits.
    expect(settingsSchema.safeParse({ defaults: { epochs: 0 } }).success).toBe(false)
  })
})
