import { describe, expect, it } from 'vitest'
import { limitText } from '@common/run-limits'
import { isLayerLimit, LAYER_FIELDS, limitCases, TYPED_LIMITS } from '@common/run-limits.fixtures'
import {
  applyPreset,
  BUILTIN_PRESETS,
  checkForm,
  defaultConfig,
  formFromConfig,
  matchesPreset,
  type RunForm,
} from './run-form'

const notebook = BUILTIN_PRESETS[0].config
const quick = BUILTIN_PRESETS[1].config

describe('run form', () => {
  it('turns the defaults into a valid configuration', () => {
    const form = formFromConfig(defaultConfig())
    expect(form.learningRate).toBe('1e-4')
    expect(form.trainLimit).toBe('')
    const { config, errors } = checkForm(form)
    expect(errors).toEqual({})
    expect(config).toMatchObject({ epochs: 50, batchSize: 100, learningRate: 1e-4, trainLimit: null })
  })

  it('applies presets over the defaults and keeps name and data set', () => {
    const form = {
      ...formFromConfig(defaultConfig()),
      name: 'mine',
      dataset: { kind: 'fashion-mnist' as const },
    }
    const quickForm = applyPreset(form, { batchSize: 64 }, quick)
    expect(quickForm).toMatchObject({ name: 'mine', epochs: '1', trainLimit: '2000', batchSize: '64' })
    expect(quickForm.dataset).toEqual({ kind: 'fashion-mnist' })
    expect(matchesPreset(quickForm, { batchSize: 64 }, quick)).toBe(true)
    expect(matchesPreset(quickForm, { batchSize: 64 }, notebook)).toBe(false)
    const notebookForm = applyPreset(quickForm, { batchSize: 64 }, notebook)
    expect(notebookForm).toMatchObject({
      epochs: '50',
      batchSize: '100',
      learningRate: '1e-4',
      trainLimit: '',
    })
  })

  it('names every wrong field', () => {
    const form = formFromConfig(defaultConfig())
    form.epochs = '0'
    form.batchSize = '12.5'
    form.learningRate = 'fast'
    form.seed = ''
    form.trainLimit = '-3'
    form.convBlocks[1].filters = '1000'
    form.denseLayers[0].dropout = '1'
    const { config, errors } = checkForm(form)
    expect(config).toBeNull()
    expect(errors).toEqual({
      epochs: 'Epochs must be a whole number from 1 to 1,000.',
      batchSize: 'Batch size must be a whole number from 1 to 4,096.',
      learningRate: 'Learning rate must be a number above 0 and at most 10, such as 1e-4.',
      seed: 'Seed must be a whole number from 0 to 2,147,483,647.',
      trainLimit: 'Training images must be a whole number from 1 to 10,000,000, or empty for all of them.',
      'architecture.convBlocks.1.filters': 'Conv block 2: filters must be a whole number from 1 to 512.',
      'architecture.denseLayers.0.dropout': 'Dense layer 1: dropout must be a number from 0 to 0.95.',
    })
  })

  it('checks training images against the data set and folders for a path', () => {
    const form = { ...formFromConfig(defaultConfig()), trainLimit: '70000' }
    expect(checkForm(form, { trainCount: 60000 }).errors.trainLimit).toMatch(/more than the 60,000/)
    const folder = { ...form, trainLimit: '', dataset: { kind: 'folder' as const, path: ' ' } }
    expect(checkForm(folder).errors.dataset).toMatch(/folder/)
  })

  it.each(TYPED_LIMITS.filter((key): key is FormLimit => key in OLD_FORM_FIELDS))(
    'accepts and refuses the values the schema does: %s',
    (key) => {
      const { accepted, refused, limit } = limitCases(key)
      for (const text of accepted) {
        const { form, field } = formWith(key, text)
        expect(checkForm(form).errors[field], text).toBeUndefined()
      }
      for (const text of refused) {
        const { form, field } = formWith(key, text)
        expect(checkForm(form).errors[field], text).toContain(limitText(limit))
      }
    },
  )
})

/** The default form with `text` in the field that `key` limits, and that field's error key. */
const OLD_FORM_FIELDS = {
  epochs: 1,
  batchSize: 1,
  learningRate: 1,
  momentum: 1,
  seed: 1,
  trainLimit: 1,
  convFilters: 1,
  convKernelSize: 1,
  convStride: 1,
  denseUnits: 1,
  denseDropout: 1,
}
type FormLimit = keyof typeof OLD_FORM_FIELDS
function formWith(key: FormLimit, text: string): { form: RunForm; field: string } {
  const form = formFromConfig(defaultConfig({ optimizer: 'sgd' }))
  if (isLayerLimit(key)) {
    const [group, field] = LAYER_FIELDS[key]
    Object.assign(form[group as 'convBlocks'][0], { [field]: text })
    return { form, field: `architecture.${group}.0.${field}` }
  }
  form[key] = text
  return { form, field: key }
}
