import { describe, expect, it } from 'vitest'
import { requestSchemas } from './requests'
import {
  ashaRungs,
  sweepConfigError,
  sweepConfigSchema,
  sweepTrialCount,
  trialConfig,
  type SweepConfigInput,
} from './sweep'

const VALID: SweepConfigInput = {
  base: { epochs: 3, trainLimit: 5000 },
  method: 'tpe',
  metric: { name: 'val_accuracy', goal: 'maximize' },
  parameters: {
    learningRate: { distribution: 'log_uniform', min: 1e-4, max: 1e-2 },
    'architecture.denseLayers.0.dropout': { distribution: 'uniform', min: 0, max: 0.6 },
    batchSize: { values: [32, 64, 128] },
  },
  run_cap: 8,
  early_terminate: { type: 'asha', min_epochs: 1, eta: 3 },
}

/** The sentence a configuration is refused with, through the strict request schema. */
function refusal(config: unknown): string {
  const parsed = requestSchemas['sweeps.start'].safeParse(config)
  if (parsed.success) throw new Error('accepted')
  return sweepConfigError(parsed.error).message
}

describe('sweep configuration', () => {
  it('takes the issue’s example and fills in its defaults', () => {
    const config = requestSchemas['sweeps.start'].parse(VALID)
    expect(config.concurrency).toBe(1)
    expect(config.early_terminate).toEqual({ type: 'asha', min_epochs: 1, eta: 3 })
    expect(sweepTrialCount(config)).toBe(8)
  })

  it('sets parameters by their path in the run configuration, architecture ones too', () => {
    const config = sweepConfigSchema.parse(VALID)
    const run = trialConfig(
      config.base,
      { 'architecture.denseLayers.0.dropout': 0.25, batchSize: 64 },
      'trial 1',
    )
    expect(run.architecture.denseLayers[0].dropout).toBe(0.25)
    expect(run.batchSize).toBe(64)
    expect(run.name).toBe('trial 1')
    // The base is left as it was.
    expect(config.base.architecture.denseLayers[0].dropout).toBe(0.4)
  })

  it('refuses a bad configuration with one sentence naming the key', () => {
    const params = VALID.parameters
    expect(refusal({ ...VALID, run_cap: undefined })).toBe('run_cap is needed with method tpe.')
    expect(refusal({ ...VALID, parameters: { lerningRate: { values: [1] } } })).toBe(
      'parameters.lerningRate is not a setting of the run configuration.',
    )
    expect(
      refusal({ ...VALID, parameters: { learningRate: { distribution: 'log_uniform', min: 0, max: 1e-2 } } }),
    ).toBe('parameters.learningRate.min must be above 0 for log_uniform.')
    expect(
      refusal({ ...VALID, parameters: { learningRate: { distribution: 'uniform', min: 0.1, max: 0.01 } } }),
    ).toBe('parameters.learningRate.max must be above min.')
    expect(refusal({ ...VALID, parameters: { ...params, batchSize: { values: [32, 0] } } })).toMatch(
      /^parameters\.batchSize\.values\.1 must be .+\.$/,
    )
    expect(
      refusal({ ...VALID, parameters: { 'architecture.denseLayers.0.dropout': { values: [2] } } }),
    ).toMatch(/^parameters\.architecture\.denseLayers\.0\.dropout\.values\.0 must be/)
    expect(refusal({ ...VALID, method: 'grid' })).toBe(
      'parameters.learningRate needs a list of values with method grid.',
    )
    expect(refusal({ ...VALID, metric: { name: 'test_accuracy', goal: 'maximize' } })).toMatch(
      /^metric\.name is invalid: /,
    )
    expect(refusal({ ...VALID, early_terminate: { type: 'asha', eta: 3, min_epoch: 1 } })).toBe(
      'early_terminate.min_epoch is not a key of a sweep configuration.',
    )
    expect(refusal({ ...VALID, base: { ...VALID.base, epoch: 3 } })).toBe(
      'base.epoch is not a key of a sweep configuration.',
    )
  })

  it('ends a grid with every combination unless run_cap says fewer', () => {
    const grid = {
      ...VALID,
      method: 'grid',
      parameters: { batchSize: { values: [32, 64] }, seed: { values: [1, 2, 3] } },
    }
    expect(sweepTrialCount(sweepConfigSchema.parse({ ...grid, run_cap: undefined }))).toBe(6)
    expect(sweepTrialCount(sweepConfigSchema.parse({ ...grid, run_cap: 4 }))).toBe(4)
  })

  it('places ASHA’s rungs at min_epochs times powers of eta, below the last epoch', () => {
    expect(ashaRungs(3, 1, 3)).toEqual([1])
    expect(ashaRungs(27, 1, 3)).toEqual([1, 3, 9])
    expect(ashaRungs(10, 2, 2)).toEqual([2, 4, 8])
  })
})
