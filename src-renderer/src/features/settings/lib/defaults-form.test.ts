import { describe, expect, it } from 'vitest'
import { limitText } from '@common/run-limits'
import { limitCases } from '@common/run-limits.fixtures'
import { DEFAULT_FIELDS, defaultsFromDraft, draftFromDefaults, NOTEBOOK_VALUES } from './defaults-form'

describe('defaults of a new run', () => {
  it('shows the stored defaults and the notebook’s values for the empty fields', () => {
    const draft = draftFromDefaults({ epochs: 7, learningRate: 0.001, trainLimit: null, optimizer: 'sgd' })
    expect(draft).toEqual({
      epochs: '7',
      batchSize: '',
      learningRate: '1e-3',
      trainLimit: '',
      seed: '',
      optimizer: 'sgd',
    })
    expect(NOTEBOOK_VALUES).toEqual({
      epochs: '50',
      batchSize: '100',
      learningRate: '1e-4',
      trainLimit: 'All',
      seed: '42',
    })
  })

  it('keeps what was typed, drops what was emptied, and keeps other stored settings', () => {
    const stored = { epochs: 7, batchSize: 64, momentum: 0.8 }
    const draft = { ...draftFromDefaults(stored), batchSize: '', learningRate: ' 5e-4 ', trainLimit: '2000' }
    expect(defaultsFromDraft(stored, draft)).toEqual({
      defaults: { epochs: 7, momentum: 0.8, learningRate: 5e-4, trainLimit: 2000 },
      errors: {},
    })
  })

  it.each(DEFAULT_FIELDS)('accepts and refuses the values the schema does: %s', (field) => {
    const { accepted, refused, limit } = limitCases(field)
    for (const text of accepted) {
      const { defaults, errors } = defaultsFromDraft({}, { ...draftFromDefaults({}), [field]: text })
      expect(errors, text).toEqual({})
      expect(defaults?.[field], text).toBe(Number(text))
    }
    for (const text of refused) {
      const { defaults, errors } = defaultsFromDraft({}, { ...draftFromDefaults({}), [field]: text })
      expect(defaults, text).toBeNull()
      expect(errors[field], text).toBe(`${limit.label} must be ${limitText(limit)}, or empty.`)
    }
  })
})
