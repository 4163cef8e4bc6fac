/**
 * The new-run form as the person edits it (text in every number field, so a half-typed value is
 * kept and named when wrong), and its conversion to a run configuration with inline validation.
 */
import { formatLearningRate } from '@common/format'
import {
  presetSchema,
  runConfigSchema,
  type ActivationName,
  type ArchitectureInput,
  type DatasetRef,
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

export interface ConvBlockForm {
  filters: string
  kernelSize: string
  stride: string
  padding: 'valid' | 'same'
  activation: ActivationName
  pooling: 'max' | 'avg' | 'none'
}

export interface DenseLayerForm {
  units: string
  activation: ActivationName
  dropout: string
}

export interface RunForm {
  name: string
  dataset: DatasetRef
  epochs: string
  batchSize: string
  learningRate: string
  optimizer: OptimizerName
  momentum: string
  seed: string
  /** Empty means all training images. */
  trainLimit: string
  convBlocks: ConvBlockForm[]
  denseLayers: DenseLayerForm[]
}

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

/** The form showing a configuration. */
export function formFromConfig(config: RunConfig, name = ''): RunForm {
  return {
    name,
    dataset: config.dataset,
    epochs: String(config.epochs),
    batchSize: String(config.batchSize),
    learningRate: formatLearningRate(config.learningRate),
    optimizer: config.optimizer,
    momentum: String(config.momentum),
    seed: String(config.seed),
    trainLimit: config.trainLimit === null ? '' : String(config.trainLimit),
    convBlocks: config.architecture.convBlocks.map((block) => ({
      filters: String(block.filters),
      kernelSize: String(block.kernelSize),
      stride: String(block.stride),
      padding: block.padding,
      activation: block.activation,
      pooling: block.pooling,
    })),
    denseLayers: config.architecture.denseLayers.map((layer) => ({
      units: String(layer.units),
      activation: layer.activation,
      dropout: String(layer.dropout),
    })),
  }
}

/**
 * The form after choosing a preset: the defaults, then the preset on top; the name and the data
 * set stay as they were.
 */
export function applyPreset(form: RunForm, defaults: PresetConfig, preset: PresetConfig): RunForm {
  const next = formFromConfig(defaultConfig({ ...defaults, ...preset }), form.name)
  return { ...next, dataset: form.dataset }
}

/** Whether the form shows exactly what the preset (over the defaults) would give. */
export function matchesPreset(form: RunForm, defaults: PresetConfig, preset: PresetConfig): boolean {
  const { name: _name, dataset: _dataset, ...mine } = form
  const { name: _n, dataset: _d, ...theirs } = applyPreset(form, defaults, preset)
  return JSON.stringify(mine) === JSON.stringify(theirs)
}

/** What a preset saved from this form holds: the training settings, not the name or data set. */
export function presetFromConfig(config: RunConfigInput): PresetConfig {
  const { name: _name, dataset: _dataset, backend: _backend, ...rest } = config
  return presetSchema.shape.config.parse(rest)
}

export interface FormCheck {
  /** The configuration to send, when the form has no errors. */
  config: RunConfigInput | null
  errors: FieldErrors
}

/** Limits the data set puts on the form, when known. */
export interface FormContext {
  trainCount?: number | null
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

  const name = form.name.trim()
  if (name.length > RUN_NAME_MAX_LENGTH)
    errors.name = `Name must be at most ${RUN_NAME_MAX_LENGTH} characters (it has ${name.length}).`
  if (form.dataset.kind === 'folder' && !form.dataset.path.trim()) {
    errors.dataset = 'Choose the folder that holds the four IDX files.'
  }
  const epochs = limited('epochs', RUN_LIMITS.epochs, form.epochs)
  const batchSize = limited('batchSize', RUN_LIMITS.batchSize, form.batchSize)
  const learningRate = limited('learningRate', RUN_LIMITS.learningRate, form.learningRate)
  const momentum =
    form.optimizer === 'sgd'
      ? limited('momentum', RUN_LIMITS.momentum, form.momentum)
      : (parseNumber(form.momentum) ?? 0.9)
  const seed = limited('seed', RUN_LIMITS.seed, form.seed)
  let trainLimit: number | null = null
  if (form.trainLimit.trim() !== '') {
    const limit = RUN_LIMITS.trainLimit
    trainLimit = parseNumber(form.trainLimit)
    if (trainLimit === null || !withinLimit(limit, trainLimit)) {
      errors.trainLimit = `${limit.label} must be ${limitText(limit)}, or empty for all of them.`
    } else if (context.trainCount != null && trainLimit > context.trainCount) {
      errors.trainLimit = `${limit.label} is more than the ${context.trainCount.toLocaleString('en-US')} images the data set has; leave it empty for all.`
    }
  }

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
      }
    }),
    denseLayers: form.denseLayers.map((layer, i) => {
      const at = `architecture.denseLayers.${i}`
      const label = `Dense layer ${i + 1}:`
      return {
        units: limited(`${at}.units`, RUN_LIMITS.denseUnits, layer.units, `${label} units`),
        activation: layer.activation,
        dropout: limited(`${at}.dropout`, RUN_LIMITS.denseDropout, layer.dropout, `${label} dropout`),
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

  if (Object.keys(errors).length > 0) return { config: null, errors }
  const config: RunConfigInput = {
    ...(name ? { name } : {}),
    dataset:
      form.dataset.kind === 'folder' ? { kind: 'folder', path: form.dataset.path.trim() } : form.dataset,
    architecture,
    epochs,
    batchSize,
    learningRate,
    optimizer: form.optimizer,
    momentum,
    seed,
    trainLimit,
  }
  // The contract's own schema has the last word; anything it still refuses is named by its path.
  const parsed = runConfigSchema.safeParse(config)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join('.') || 'form'
      errors[field] ??= `${field}: ${issue.message}.`
    }
    return { config: null, errors }
  }
  return { config, errors }
}
