import { describe, expect, it } from 'vitest'
import { checkLimit, limitText, parseNumber, RUN_LIMITS } from './run-limits'
import { configWith, limitCases, TYPED_LIMITS } from './run-limits.fixtures'
import { runConfigSchema } from './schemas'

describe('run limits', () => {
  it('say what they allow in one phrase', () => {
    expect(limitText(RUN_LIMITS.epochs)).toBe('a whole number from 1 to 1,000')
    expect(limitText(RUN_LIMITS.learningRate)).toBe('a number above 0 and at most 10, such as 1e-4')
    expect(limitText(RUN_LIMITS.denseDropout)).toBe('a number from 0 to 0.95')
    expect(limitText(RUN_LIMITS.schedulePeakAt)).toBe('a number above 0 and below 1')
    expect(checkLimit(RUN_LIMITS.seed, '-1')).toEqual({
      error: 'Seed must be a whole number from 0 to 2,147,483,647.',
    })
    expect(checkLimit(RUN_LIMITS.seed, ' 7 ')).toEqual({ value: 7 })
  })

  it('parse numbers as people type them', () => {
    expect(parseNumber(' 1e-4 ')).toBe(1e-4)
    expect(parseNumber('.5')).toBe(0.5)
    expect(parseNumber('')).toBeNull()
    expect(parseNumber('0x10')).toBeNull()
    expect(parseNumber('1,000')).toBeNull()
  })

  it.each(TYPED_LIMITS)('are the schema’s: %s accepts and refuses the same values', (key) => {
    const { accepted, refused, limit } = limitCases(key)
    for (const text of accepted) {
      expect(runConfigSchema.safeParse(configWith(key, Number(text))).success, text).toBe(true)
    }
    for (const text of refused) {
      const parsed = runConfigSchema.safeParse(configWith(key, text === 'x' ? NaN : Number(text)))
      expect(parsed.success, text).toBe(false)
      expect(parsed.error?.issues[0].message).toBe(`must be ${limitText(limit)}`)
    }
  })

  it('bound the number of conv blocks and dense layers in the schema', () => {
    const block = { filters: 8, kernelSize: 3 }
    const dense = { units: 10 }
    const parses = (convBlocks: number, denseLayers: number) =>
      runConfigSchema.safeParse({
        architecture: {
          convBlocks: Array.from({ length: convBlocks }, () => block),
          denseLayers: Array.from({ length: denseLayers }, () => dense),
        },
      }).success
    const { convBlocks, denseLayers } = RUN_LIMITS
    expect(parses(convBlocks.min, denseLayers.min)).toBe(true)
    expect(parses(convBlocks.max, denseLayers.max)).toBe(true)
    expect(parses(convBlocks.min - 1, 0)).toBe(false)
    expect(parses(convBlocks.max + 1, 0)).toBe(false)
    expect(parses(1, denseLayers.max + 1)).toBe(false)
  })
})
