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
  validationSplit: 'validation-split',
  rotation: 'rotation',
  zoom: 'zoom',
  shift: 'shift',
  warmupEpochs: 'warmup-epochs',
  weightDecay: 'weight-decay',
  labelSmoothing: 'label-smoothing',
  gradientClipNorm: 'clip-norm',
  patience: 'patience',
  minDelta: 'min-delta',
  scheduleEveryEpochs: 'decay-every',
  scheduleFactor: 'decay-factor',
  scheduleFinalFactor: 'final-factor',
  schedulePeakAt: 'peak-at',
  scheduleStartFactor: 'start-factor',
}

/** The flags a limited flag needs beside it: the schedule whose parameter it is, early stopping. */
const WITH_FLAGS: Partial<Record<RunLimitKey, string[]>> = {
  minDelta: ['--patience=3'],
  scheduleEveryEpochs: ['--schedule=step'],
  scheduleFactor: ['--schedule=exponential'],
  scheduleFinalFactor: ['--schedule=cosine'],
  schedulePeakAt: ['--schedule=one-cycle'],
  scheduleStartFactor: ['--schedule=one-cycle'],
}

/** Flags whose 0 turns their setting off, as an empty field or an unticked box does in the form. */
const OFF_AT_ZERO: Partial<Record<RunLimitKey, 'gradientClipNorm' | 'earlyStopping'>> = {
  gradientClipNorm: 'gradientClipNorm',
  patience: 'earlyStopping',
}

/** The configuration `train` would run with `text` given for the limited field, or what it says. */
async function configFor(
  key: RunLimitKey,
  text: string,
): Promise<{ config?: Record<string, unknown>; refusal?: string }> {
  try {
    const flag = FLAG_OF_LIMIT[key]
    if (flag) {
      const { flags } = parseFlags([...(WITH_FLAGS[key] ?? []), `--${flag}=${text}`], TRAIN_FLAGS)
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
      const off = OFF_AT_ZERO[key]
      if (off && Number(text) === 0) {
        expect((await configFor(key, text)).config?.[off], text).toBeNull()
        continue
      }
      const { refusal } = await configFor(key, text)
      const flag = FLAG_OF_LIMIT[key] ?? 'architecture'
      expect(refusal, text).toMatch(new RegExp(`^--${flag} `))
      // Out of range, every checker says the same phrase; a non-number is refused for its kind.
      if (text !== 'x' && Number.isInteger(Number(text)) === limit.integer && !off) {
        expect(refusal, text).toContain(limitText(limit))
      }
    }
  })

  it('name each limit in --help', () => {
    const lines = usage('train', '', TRAIN_FLAGS).split('\n')
    for (const [key, flag] of Object.entries(FLAG_OF_LIMIT)) {
      const limit = RUN_LIMITS[key as RunLimitKey]
      // Where 0 turns a setting off, the flag's range starts at 0 and says so.
      const range = OFF_AT_ZERO[key as RunLimitKey]
        ? limitText({ ...limit, min: 0, aboveMin: false, example: undefined })
        : limitText({ ...limit, example: undefined })
      expect(lines.find((line) => line.startsWith(`  --${flag} `))).toMatch(new RegExp(`; ${range}$`))
    }
  })
})
