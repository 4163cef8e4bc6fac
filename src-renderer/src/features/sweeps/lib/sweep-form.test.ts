import { describe, expect, it } from 'vitest'
import {
  checkSweepConfig,
  checkSweepForm,
  emptySweepForm,
  formFromConfig,
  parseSweepFile,
  parseValues,
  problemField,
  type BaseContext,
} from './sweep-form'

const context: BaseContext = { defaults: { learningRate: 1e-3 }, presets: [], fileBase: null }

describe('the new-sweep form', () => {
  it('makes the configuration it shows, over the defaults with its epochs and images', () => {
    const form = { ...emptySweepForm(), trainLimit: '600' }
    form.params.push({ path: 'batchSize', mode: 'values', values: '32, 64', min: '', max: '' })
    const { config, error } = checkSweepForm(form, context)
    expect(error).toBeNull()
    expect(config?.base).toMatchObject({ epochs: 3, trainLimit: 600, learningRate: 1e-3 })
    expect(config?.parameters).toEqual({
      learningRate: { distribution: 'log_uniform', min: 1e-4, max: 1e-2 },
      batchSize: { values: [32, 64] },
    })
    expect(config?.early_terminate).toEqual({ type: 'asha', min_epochs: 1, eta: 3 })
  })

  it('starts from a preset when one is chosen', () => {
    const form = { ...emptySweepForm(), base: { kind: 'preset' as const, name: 'Quick look' } }
    const { config } = checkSweepForm(form, context)
    expect(config?.base.trainLimit).not.toBeNull()
  })

  it('names the key of the first problem in one sentence', () => {
    const bad = emptySweepForm()
    bad.runCap = 'eight'
    expect(checkSweepForm(bad, context).error).toEqual({
      key: 'run_cap',
      message: 'run_cap must be a number, not “eight”.',
    })
    const below = emptySweepForm()
    below.params[0].max = '1e-5'
    const error = checkSweepForm(below, context).error
    expect(error?.message).toBe('parameters.learningRate.max must be above min.')
    expect(problemField(error?.key ?? '', below)).toEqual({ row: 0 })
    const twice = emptySweepForm()
    twice.params.push({ ...twice.params[0] })
    expect(checkSweepForm(twice, context).error?.message).toBe(
      'parameters.learningRate is searched twice; keep one row for it.',
    )
  })
})

describe('sweep files', () => {
  const yaml = `
name: lr and dropout
base: { epochs: 2, trainLimit: 500 }
method: random
metric: { name: val_loss, goal: minimize }
parameters:
  learningRate: { distribution: log_uniform, min: 0.0001, max: 0.01 }
  architecture.denseLayers.0.dropout: { values: [0.2, 0.5] }
run_cap: 4
early_terminate: { type: median, min_epochs: 1 }
`
  it('reads YAML, and the form shows what it says', () => {
    const { config, error } = checkSweepConfig(parseSweepFile(yaml, 'sweep.yaml'))
    expect(error).toBeNull()
    if (!config) throw new Error('refused')
    const form = formFromConfig(config)
    expect(form.base).toEqual({ kind: 'file' })
    expect(form.params[1]).toMatchObject({ path: 'architecture.denseLayers.0.dropout', values: '0.2, 0.5' })
    const again = checkSweepForm(form, { ...context, fileBase: config.base })
    expect(again.config).toEqual(config)
  })

  it('refuses a file that does not parse, or names an unknown key', () => {
    expect(() => parseSweepFile('{ "method": ', 'a.json')).toThrow(/^a\.json is not valid JSON: /)
    expect(checkSweepConfig({ ...(parseSweepFile(yaml, 's.yml') as object), runcap: 3 }).error?.message).toBe(
      'runcap is not a key of a sweep configuration.',
    )
  })

  it('reads comma-separated values as numbers, booleans and text', () => {
    expect(parseValues('1e-3, 0.01,adam, true, null,')).toEqual([1e-3, 0.01, 'adam', true, null])
  })
})
