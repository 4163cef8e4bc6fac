import { describe, expect, it } from 'vitest'
import { limitText, RUN_LIMITS, type RunLimitKey } from '@common/run-limits'
import { architectureWith, isLayerLimit, limitCases, TYPED_LIMITS } from '@common/run-limits.fixtures'
import { UserError } from '../../engine/errors'
import { parseFlags, usage } from '../args'
import { TRAIN_FLAGS } from './train'
import { configFromFlags } from './train-config'

/** The flag of each run limit that has one; the layers' limits come in --architecture's JSON. */
const FLAG_OF_LIMIT: Partial<Record<RunLimitKey, keyof typeof TRAIN_FLAGS>> = {
  epochs: 'epochs',
  batchSize: 'batch-size',
  learningRate: 'learning-rate',
  momentum: 'momentum',
  seed: 'seed',
  trainLimit: 'train-limit',
  replicas: 'replicas',
}

/** The configuration `train` would run with `text` given for the limited field, or what it says. */
async function configFor(key: RunLimitKey, text: string): Promise<{ config?: unknown; refusal?: string }> {
  try {
    const flag = FLAG_OF_LIMIT[key]
    if (flag) {
      const { flags } = parseFlags([`--${flag}=${text}`], TRAIN_FLAGS)
      return { config: await configFromFlags(flags) }
    }
    const value = JSON.parse(JSON.stringify(text === 'x' ? 'x' : Number(text)))
    if (!isLayerLimit(key)) throw new Error(`${key} has neither a flag nor a place in the architecture`)
    return { config: await configFromFlags({ architecture: JSON.stringify(architectureWith(key, value)) }) }
  } catch (error) {
    if (error instanceof UserError) return { refusal: error.message }
    throw error
  }
}

describe('train flags and the run limits', () => {
  it.each(TYPED_LIMITS)('accept and refuse the values the schema and the form do: %s', async (key) => {
    const { accepted, refused, limit } = limitCases(key)
    for (const text of accepted) expect(await configFor(key, text), text).toHaveProperty('config')
    for (const text of refused) {
      const { refusal } = await configFor(key, text)
      const flag = FLAG_OF_LIMIT[key] ?? 'architecture'
      expect(refusal, text).toMatch(new RegExp(`^--${flag} `))
      // Out of range, every checker says the same phrase; a non-number is refused for its kind.
      if (text !== 'x' && Number.isInteger(Number(text)) === limit.integer) {
        expect(refusal, text).toContain(limitText(limit))
      }
    }
  })

  it('name each limit in --help', () => {
    const lines = usage('train', '', TRAIN_FLAGS).split('\n')
    for (const [key, flag] of Object.entries(FLAG_OF_LIMIT)) {
      const range = limitText({ ...RUN_LIMITS[key as RunLimitKey], example: undefined })
      expect(lines.find((line) => line.startsWith(`  --${flag} `))).toMatch(new RegExp(`; ${range}$`))
    }
  })
})
