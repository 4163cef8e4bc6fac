/**
 * The new-run form's check: every field against the run limits, with a sentence naming what is
 * wrong, and the run configuration it describes; presets applied to it; warnings that do not
 * stop a run. Its state and the conversion from a configuration are in `form-state.ts`.
 */
import { formatLearningRate } from '@common/format'
import type { LearningRateSchedule } from '@common/recipe'
import {
  presetSchema,
  runConfigSchema,
  architectureSchema,
  type Architecture,
  type ArchitectureInput,
  type OptimizerName,
  type Preset,
  type RunConfig,
  type RunConfigInput,
} from '@common/schemas'
import { BUILTIN_PRESETS } from '@common/presets'
import {
  checkLimit,
  limitText,
  parseNumber,
  RUN_LIMITS,
  RUN_NAME_MAX_LENGTH,
  withinLimit,
  type NumberLimit,
} from '@common/run-limits'
import { formFromConfig, type RunForm, type ScheduleForm } from './form-state'

export { formFromConfig, type RunForm }
export type { ConvBlockForm, DenseLayerForm } from './form-state'

/** The settings of a run a preset may carry (not its name, data set or backend). */
export type PresetConfig = Preset['config']

/** Messages by field path (`epochs`, `architecture.convBlocks.1.filters`). */
export type FieldErrors = Record<string, string>

/** The presets every install has (defined in src-common, for the CLI too). */
export { BUILTIN_PRESETS }

/** A configuration with every default of the contract filled in. */
export function defaultConfig(overrides: PresetConfig = {}): RunConfig {
  return runConfigSchema.parse(overrides)
}

/**
 * The form after choosing a preset: the defaults, then the preset on top; the name and the data
 * set stay as they were.
 */
export function applyPreset(form: RunForm, defaults: PresetConfig, preset: PresetConfig): RunForm {
  const next = formFromConfig(defaultConfig({ ...defaults, ...preset }), form.name)
  return { ...next, dataset: form.dataset }
}

/** The training settings of a configuration, every default filled in: what presets compare. */
function settingsOf(config: RunConfigInput): string {
  const { name: _name, dataset: _dataset, backend: _backend, ...rest } = runConfigSchema.parse(config)
  return JSON.stringify(rest)
}

/**
 * Whether the form describes exactly the run the preset (over the defaults) would give. The
 * configurations are compared, not the text: `0.001` and `1e-3` are the same rate.
 */
export function matchesPreset(form: RunForm, defaults: PresetConfig, preset: PresetConfig): boolean {
  const { config } = checkForm(form)
  return config !== null && settingsOf(config) === settingsOf({ ...defaults, ...preset })
}

/** What a preset saved from this form holds: the training settings, not the name or data set. */
export function presetFromConfig(config: RunConfigInput): PresetConfig {
  const { name: _name, dataset: _dataset, backend: _backend, ...rest } = config
  return presetSchema.shape.config.parse(rest)
}

export interface FormCheck {
  /** The configuration to send, when the form has no errors. */
  config: RunConfigInput | null
  /** The network, when its own fields have no errors (whatever the rest of the form has). */
  architecture: Architecture | null
  errors: FieldErrors
}

/** Limits the data set puts on the form, when known. */
export interface FormContext {
  trainCount?: number | null
  /** The data set's title and whether it offers a horizontal flip (not digits). */
  dataset?: { title: string; allowsHorizontalFlip: boolean } | null
}

/** Check every field and build the configuration; errors name the field and what is allowed. */
export function checkForm(form: RunForm, context: FormContext = {}): FormCheck {
  const errors: FieldErrors = {}
  /** The number in `text`, or NaN with the error recorded under `field`. */
  const limited = (field: string, limit: NumberLimit, text: string, name?: string): number => {
    const checked = checkLimit(limit, text, name)
    if (checked.error !== undefined) errors[field] = checked.error
    return checked.value ?? NaN
  }
  /** An optional number: empty is null, anything else must be within `limit`. */
  const optional = (field: string, limit: NumberLimit, text: string, empty: string): number | null => {
    if (text.trim() === '') return null
    const value = parseNumber(text)
    if (value === null || !withinLimit(limit, value)) {
      errors[field] = `${limit.label} must be ${limitText(limit)}, or empty ${empty}.`
      return NaN
    }
    return value
  }

  const name = form.name.trim()
  if (name.length > RUN_NAME_MAX_LENGTH)
    errors.name = `Name must be at most ${RUN_NAME_MAX_LENGTH} characters (it has ${name.length}).`
  if (form.dataset.kind === 'folder' && !form.dataset.path.trim()) {
    errors.dataset =
      'Choose a folder: images in a subfolder per class, CIFAR-10 batches or the four IDX files.'
  }
  const epochs = limited('epochs', RUN_LIMITS.epochs, form.epochs)
  const batchSize = limited('batchSize', RUN_LIMITS.batchSize, form.batchSize)
  const learningRate = limited('learningRate', RUN_LIMITS.learningRate, form.learningRate)
  const momentum =
    form.optimizer === 'sgd'
      ? limited('momentum', RUN_LIMITS.momentum, form.momentum)
      : (parseNumber(form.momentum) ?? 0.9)
  const seed = limited('seed', RUN_LIMITS.seed, form.seed)
  const trainLimit = optional('trainLimit', RUN_LIMITS.trainLimit, form.trainLimit, 'for all of them')
  if (
    trainLimit !== null &&
    !errors.trainLimit &&
    context.trainCount != null &&
    trainLimit > context.trainCount
  ) {
    errors.trainLimit = `${RUN_LIMITS.trainLimit.label} is more than the ${context.trainCount.toLocaleString('en-US')} images the data set has; leave it empty for all.`
  }
  const validationSplit = limited('validationSplit', RUN_LIMITS.validationSplit, form.validationSplit)

  const architecture: ArchitectureInput = {
    convBlocks: form.convBlocks.map((block, i) => {
      const at = `architecture.convBlocks.${i}`
      const label = `Conv block ${i + 1}:`
      return {
        filters: limited(`${at}.filters`, RUN_LIMITS.convFilters, block.filters, `${label} filters`),
        kernelSize: limited(
          `${at}.kernelSize`,
          RUN_LIMITS.convKernelSize,
          block.kernelSize,
          `${label} kernel size`,
        ),
        stride: limited(`${at}.stride`, RUN_LIMITS.convStride, block.stride, `${label} stride`),
        padding: block.padding,
        activation: block.activation,
        pooling: block.pooling,
        convs: limited(`${at}.convs`, RUN_LIMITS.convs, block.convs, `${label} convs`),
        batchNorm: block.batchNorm,
        dropout: limited(`${at}.dropout`, RUN_LIMITS.convDropout, block.dropout, `${label} dropout`),
      }
    }),
    globalPooling: form.globalPooling,
    denseLayers: form.denseLayers.map((layer, i) => {
      const at = `architecture.denseLayers.${i}`
      const label = `Dense layer ${i + 1}:`
      return {
        units: limited(`${at}.units`, RUN_LIMITS.denseUnits, layer.units, `${label} units`),
        activation: layer.activation,
        dropout: limited(`${at}.dropout`, RUN_LIMITS.denseDropout, layer.dropout, `${label} dropout`),
        batchNorm: layer.batchNorm,
      }
    }),
  }
  const { convBlocks, denseLayers } = RUN_LIMITS
  if (form.convBlocks.length < convBlocks.min)
    errors.architecture = 'The network needs at least one conv block.'
  if (form.convBlocks.length > convBlocks.max)
    errors.architecture = `The network can have at most ${convBlocks.max} conv blocks.`
  if (form.denseLayers.length > denseLayers.max)
    errors.architecture = `The network can have at most ${denseLayers.max} dense layers.`

  const aug = form.augmentation
  const augmentation = {
    rotation: limited('augmentation.rotation', RUN_LIMITS.rotation, aug.rotation),
    zoom: limited('augmentation.zoom', RUN_LIMITS.zoom, aug.zoom),
    shift: limited('augmentation.shift', RUN_LIMITS.shift, aug.shift),
    horizontalFlip: aug.horizontalFlip,
  }
  if (aug.horizontalFlip && context.dataset && !context.dataset.allowsHorizontalFlip) {
    errors['augmentation.horizontalFlip'] =
      `Horizontal flip is not offered for ${context.dataset.title}: a mirrored digit is another shape, or none.`
  }
  const schedule = checkSchedule(form.schedule, limited)
  const warmupEpochs = limited('warmupEpochs', RUN_LIMITS.warmupEpochs, form.warmupEpochs)
  const weightDecay = limited('weightDecay', RUN_LIMITS.weightDecay, form.weightDecay)
  const labelSmoothing = limited('labelSmoothing', RUN_LIMITS.labelSmoothing, form.labelSmoothing)
  const gradientClipNorm = optional(
    'gradientClipNorm',
    RUN_LIMITS.gradientClipNorm,
    form.gradientClipNorm,
    'to never clip',
  )
  const stopping = form.earlyStopping
  const earlyStopping = stopping.enabled
    ? {
        patience: limited('earlyStopping.patience', RUN_LIMITS.patience, stopping.patience),
        minDelta: limited('earlyStopping.minDelta', RUN_LIMITS.minDelta, stopping.minDelta),
      }
    : null

  const network = Object.keys(errors).some((key) => key.startsWith('architecture'))
    ? null
    : (architectureSchema.safeParse(architecture).data ?? null)
  if (Object.keys(errors).length > 0) return { config: null, architecture: network, errors }
  const config: RunConfigInput = {
    ...(name ? { name } : {}),
    dataset:
      form.dataset.kind === 'folder' ? { ...form.dataset, path: form.dataset.path.trim() } : form.dataset,
    architecture,
    epochs,
    batchSize,
    learningRate,
    optimizer: form.optimizer,
    momentum,
    seed,
    trainLimit,
    validationSplit,
    augmentation,
    schedule,
    warmupEpochs,
    weightDecay,
    labelSmoothing,
    gradientClipNorm,
    monitor: form.monitor,
    keepBest: form.keepBest,
    earlyStopping,
  }
  // The contract's own schema has the last word; anything it still refuses is named by its path.
  const parsed = runConfigSchema.safeParse(config)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join('.') || 'form'
      errors[field] ??= `${field}: ${issue.message}.`
    }
    return { config: null, architecture: network, errors }
  }
  return { config, architecture: network, errors }
}

type Limited = (field: string, limit: NumberLimit, text: string) => number

/** The chosen schedule with its own parameters checked; the other kinds' fields are left alone. */
function checkSchedule(form: ScheduleForm, limited: Limited): LearningRateSchedule {
  const { scheduleEveryEpochs, scheduleFactor, scheduleFinalFactor, schedulePeakAt, scheduleStartFactor } =
    RUN_LIMITS
  switch (form.kind) {
    case 'constant':
      return { kind: 'constant' }
    case 'step':
      return {
        kind: 'step',
        everyEpochs: limited('schedule.everyEpochs', scheduleEveryEpochs, form.stepEvery),
        factor: limited('schedule.factor', scheduleFactor, form.stepFactor),
      }
    case 'exponential':
      return {
        kind: 'exponential',
        factor: limited('schedule.factor', scheduleFactor, form.exponentialFactor),
      }
    case 'cosine':
      return {
        kind: 'cosine',
        finalFactor: limited('schedule.finalFactor', scheduleFinalFactor, form.cosineFinalFactor),
      }
    case 'one-cycle':
      return {
        kind: 'one-cycle',
        peakAt: limited('schedule.peakAt', schedulePeakAt, form.peakAt),
        startFactor: limited('schedule.startFactor', scheduleStartFactor, form.startFactor),
        finalFactor: limited('schedule.finalFactor', scheduleFinalFactor, form.cycleFinalFactor),
      }
  }
}

/**
 * The range of learning rates outside which a run of each optimizer is very likely to diverge or
 * stall (Keras' and PyTorch's defaults sit well inside: Adam and RMSprop 1e-3, SGD 0.01).
 */
export const USUAL_LEARNING_RATES: Record<OptimizerName, { low: number; high: number }> = {
  adam: { low: 1e-6, high: 0.05 },
  rmsprop: { low: 1e-6, high: 0.05 },
  sgd: { low: 1e-5, high: 1 },
}

/**
 * A warning, not an error, for a learning rate far outside the optimizer's usual range: such a
 * run may diverge (loss exploding, accuracy at chance) or barely move. Null when it is usual.
 */
export function learningRateWarning(optimizer: OptimizerName, rate: number): string | null {
  const { low, high } = USUAL_LEARNING_RATES[optimizer]
  const range = `${formatLearningRate(low)} to ${formatLearningRate(high)}`
  const shown = formatLearningRate(rate)
  if (rate > high)
    return `A learning rate of ${shown} is far above the usual ${range} for ${optimizer}; the run will likely diverge.`
  if (rate < low)
    return `A learning rate of ${shown} is far below the usual ${range} for ${optimizer}; the run will barely learn.`
  return null
}
