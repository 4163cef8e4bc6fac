/**
 * The new-run form as the person edits it (text in every number field, so a half-typed value is
 * kept and named when wrong), and its conversion to a run configuration with inline validation.
 */
import {
  NOTEBOOK_ARCHITECTURE,
  presetSchema,
  runConfigSchema,
  type ActivationName,
  type Architecture,
  type DatasetRef,
  type OptimizerName,
  type Preset,
  type RunConfig,
  type RunConfigInput,
} from '@common/schemas'
import { formatLearningRate } from '../../../lib/format'

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

export const MAX_CONV_BLOCKS = 6
export const MAX_DENSE_LAYERS = 4

/** The presets every install has. */
export const BUILTIN_PRESETS: readonly Preset[] = [
  {
    name: 'Notebook',
    config: {
      epochs: 50,
      batchSize: 100,
      learningRate: 1e-4,
      optimizer: 'adam',
      trainLimit: null,
      architecture: NOTEBOOK_ARCHITECTURE,
    },
  },
  { name: 'Quick look', config: { epochs: 1, trainLimit: 2000 } },
]

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
  const int = (field: string, label: string, text: string, min: number, max: number): number => {
    const value = parseNumber(text)
    if (value === null || !Number.isInteger(value) || value < min || value > max) {
      errors[field] =
        `${label} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.`
      return NaN
    }
    return value
  }
  const real = (
    field: string,
    label: string,
    text: string,
    check: (v: number) => boolean,
    rule: string,
  ): number => {
    const value = parseNumber(text)
    if (value === null || !check(value)) {
      errors[field] = `${label} must be ${rule}.`
      return NaN
    }
    return value
  }

  const name = form.name.trim()
  if (name.length > 120) errors.name = `Name must be at most 120 characters (it has ${name.length}).`
  if (form.dataset.kind === 'folder' && !form.dataset.path.trim()) {
    errors.dataset = 'Choose the folder that holds the four IDX files.'
  }
  const epochs = int('epochs', 'Epochs', form.epochs, 1, 1000)
  const batchSize = int('batchSize', 'Batch size', form.batchSize, 1, 4096)
  const learningRate = real(
    'learningRate',
    'Learning rate',
    form.learningRate,
    (v) => v > 0 && v <= 10,
    'a number above 0 and at most 10, such as 1e-4',
  )
  const momentum =
    form.optimizer === 'sgd'
      ? real('momentum', 'Momentum', form.momentum, (v) => v >= 0 && v <= 0.999, 'a number from 0 to 0.999')
      : (parseNumber(form.momentum) ?? 0.9)
  const seed = int('seed', 'Seed', form.seed, 0, 2 ** 31 - 1)
  let trainLimit: number | null = null
  if (form.trainLimit.trim() !== '') {
    const max = context.trainCount ?? Number.MAX_SAFE_INTEGER
    trainLimit = parseNumber(form.trainLimit)
    if (trainLimit === null || !Number.isInteger(trainLimit) || trainLimit < 1) {
      errors.trainLimit = 'Training images must be a whole number of at least 1, or empty for all of them.'
    } else if (trainLimit > max) {
      errors.trainLimit = `Training images is more than the ${max.toLocaleString('en-US')} images the data set has; leave it empty for all.`
    }
  }

  const architecture: Architecture = {
    convBlocks: form.convBlocks.map((block, i) => {
      const at = `architecture.convBlocks.${i}`
      const label = `Conv block ${i + 1}:`
      return {
        filters: int(`${at}.filters`, `${label} filters`, block.filters, 1, 512),
        kernelSize: int(`${at}.kernelSize`, `${label} kernel size`, block.kernelSize, 1, 11),
        stride: int(`${at}.stride`, `${label} stride`, block.stride, 1, 4),
        padding: block.padding,
        activation: block.activation,
        pooling: block.pooling,
      }
    }),
    denseLayers: form.denseLayers.map((layer, i) => {
      const at = `architecture.denseLayers.${i}`
      const label = `Dense layer ${i + 1}:`
      return {
        units: int(`${at}.units`, `${label} units`, layer.units, 1, 8192),
        activation: layer.activation,
        dropout: real(
          `${at}.dropout`,
          `${label} dropout`,
          layer.dropout,
          (v) => v >= 0 && v <= 0.95,
          'a number from 0 to 0.95',
        ),
      }
    }),
  }
  if (form.convBlocks.length < 1) errors.architecture = 'The network needs at least one conv block.'
  if (form.convBlocks.length > MAX_CONV_BLOCKS)
    errors.architecture = `The network can have at most ${MAX_CONV_BLOCKS} conv blocks.`
  if (form.denseLayers.length > MAX_DENSE_LAYERS)
    errors.architecture = `The network can have at most ${MAX_DENSE_LAYERS} dense layers.`

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

/** A number as typed: `1e-4`, ` 50 `, `0.4`; null when it is not one. */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim()
  if (trimmed === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return null
  const value = Number(trimmed)
  return Number.isFinite(value) ? value : null
}
