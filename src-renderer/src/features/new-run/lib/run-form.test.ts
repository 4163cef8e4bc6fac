import { describe, expect, it } from 'vitest'
import { limitText } from '@common/run-limits'
import { runConfigSchema } from '@common/schemas'
import {
  isLayerLimit,
  LAYER_FIELDS,
  limitCases,
  TYPED_LIMITS,
  type LayerLimitKey,
} from '@common/run-limits.fixtures'
import {
  applyPreset,
  BUILTIN_PRESETS,
  checkForm,
  defaultConfig,
  formFromConfig,
  learningRateWarning,
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

  it.each(TYPED_LIMITS.filter((key) => key !== 'replicas'))(
    'accepts and refuses the values the schema does: %s',
    (key) => {
      const { accepted, refused, limit } = limitCases(key)
      for (const text of accepted) {
        const { form, field } = formWith(key, text)
        const { errors, config } = checkForm(form)
        expect(errors[field], text).toBeUndefined()
        expect(config, text).not.toBeNull()
      }
      for (const text of refused) {
        const { form, field } = formWith(key, text)
        expect(checkForm(form).errors[field], text).toContain(limitText(limit))
      }
    },
  )

  it('carries every recipe setting of a preset through the form and back', () => {
    const best = BUILTIN_PRESETS[2].config
    const form = applyPreset(formFromConfig(defaultConfig()), {}, best)
    const { config } = checkForm(form)
    expect(runConfigSchema.parse(config)).toEqual(defaultConfig(best))
    expect(matchesPreset(form, {}, best)).toBe(true)
    // Another schedule's fields are kept but not sent; switching back restores the preset.
    form.schedule.kind = 'step'
    form.schedule.stepFactor = '0.5'
    expect(checkForm(form).config?.schedule).toEqual({ kind: 'step', everyEpochs: 10, factor: 0.5 })
    form.schedule.kind = 'one-cycle'
    expect(matchesPreset(form, {}, best)).toBe(true)
  })

  it('turns early stopping, clipping and a flip on and off, and refuses a flip of digits', () => {
    const form = formFromConfig(defaultConfig())
    expect(checkForm(form).config).toMatchObject({ earlyStopping: null, gradientClipNorm: null })
    form.earlyStopping.enabled = true
    form.gradientClipNorm = '1'
    expect(checkForm(form).config).toMatchObject({
      earlyStopping: { patience: 5, minDelta: 0 },
      gradientClipNorm: 1,
    })
    form.augmentation.horizontalFlip = true
    const digits = { dataset: { title: 'MNIST', allowsHorizontalFlip: false } }
    expect(checkForm(form, digits).errors['augmentation.horizontalFlip']).toBe(
      'Horizontal flip is not offered for MNIST: a mirrored digit is another shape, or none.',
    )
    const clothes = { dataset: { title: 'Fashion-MNIST', allowsHorizontalFlip: true } }
    expect(checkForm(form, clothes).config?.augmentation).toMatchObject({ horizontalFlip: true })
  })

  it('gives the network on its own while other fields are wrong, and none while it is', () => {
    const form = formFromConfig(defaultConfig())
    form.epochs = '0'
    expect(checkForm(form).architecture?.convBlocks).toHaveLength(2)
    form.convBlocks[0].convs = '9'
    expect(checkForm(form).architecture).toBeNull()
    expect(checkForm(form).errors['architecture.convBlocks.0.convs']).toBe(
      'Conv block 1: convs must be a whole number from 1 to 4.',
    )
  })

  it('warns of a learning rate far outside the optimizer’s usual range, and only then', () => {
    expect(learningRateWarning('adam', 10)).toBe(
      'A learning rate of 10 is far above the usual 1e-6 to 0.05 for adam; the run will likely diverge.',
    )
    expect(learningRateWarning('sgd', 1e-7)).toMatch(
      /^A learning rate of 1e-7 is far below .* barely learn\.$/,
    )
    for (const preset of BUILTIN_PRESETS) {
      const { optimizer, learningRate } = defaultConfig(preset.config)
      expect(learningRateWarning(optimizer, learningRate), preset.name).toBeNull()
    }
    expect(learningRateWarning('sgd', 0.5)).toBeNull()
  })
})

type FormKey = Exclude<(typeof TYPED_LIMITS)[number], 'replicas'>
type Place = (form: RunForm, text: string) => string

/** Where a limited number is typed in the form (the schedule's, and early stopping's, switched on). */
const FORM_PLACES = {
  rotation: (f, t) => ((f.augmentation.rotation = t), 'augmentation.rotation'),
  zoom: (f, t) => ((f.augmentation.zoom = t), 'augmentation.zoom'),
  shift: (f, t) => ((f.augmentation.shift = t), 'augmentation.shift'),
  patience: (f, t) => (
    (f.earlyStopping.enabled = true),
    (f.earlyStopping.patience = t),
    'earlyStopping.patience'
  ),
  minDelta: (f, t) => (
    (f.earlyStopping.enabled = true),
    (f.earlyStopping.minDelta = t),
    'earlyStopping.minDelta'
  ),
  scheduleEveryEpochs: (f, t) => (
    (f.schedule.kind = 'step'),
    (f.schedule.stepEvery = t),
    'schedule.everyEpochs'
  ),
  scheduleFactor: (f, t) => (
    (f.schedule.kind = 'exponential'),
    (f.schedule.exponentialFactor = t),
    'schedule.factor'
  ),
  scheduleFinalFactor: (f, t) => (
    (f.schedule.kind = 'cosine'),
    (f.schedule.cosineFinalFactor = t),
    'schedule.finalFactor'
  ),
  schedulePeakAt: (f, t) => ((f.schedule.kind = 'one-cycle'), (f.schedule.peakAt = t), 'schedule.peakAt'),
  scheduleStartFactor: (f, t) => (
    (f.schedule.kind = 'one-cycle'),
    (f.schedule.startFactor = t),
    'schedule.startFactor'
  ),
} satisfies Partial<Record<FormKey, Place>>

/** The default form with `text` in the field that `key` limits, and that field's error key. */
function formWith(key: FormKey, text: string): { form: RunForm; field: string } {
  const form = formFromConfig(defaultConfig({ optimizer: 'sgd' }))
  const place = (FORM_PLACES as Partial<Record<FormKey, Place>>)[key]
  if (place) return { form, field: place(form, text) }
  if (isLayerLimit(key)) {
    const [group, field] = LAYER_FIELDS[key]
    Object.assign(form[group][0], { [field]: text })
    return { form, field: `architecture.${group}.0.${field}` }
  }
  const top = key as Exclude<FormKey, keyof typeof FORM_PLACES | LayerLimitKey>
  form[top] = text
  return { form, field: top }
}
