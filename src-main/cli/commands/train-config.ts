/**
 * The flags of `train` that make a run's configuration, and how they make it: a built-in preset,
 * then every flag given on top of it, field by field (so
 * `--preset "Best accuracy" --rotation 15` keeps the preset's zoom and shift), checked as
 * strictly as a `runs.start` request, each refusal naming its flag.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { BUILTIN_PRESETS, findPreset } from '@common/presets'
import { requestSchemas } from '@common/requests'
import { learningRateScheduleSchema, monitorSchema } from '@common/recipe'
import { RUN_LIMITS } from '@common/run-limits'
import {
  backendPreferenceSchema,
  optimizerSchema,
  type DatasetRef,
  type Preset,
  type RunConfig,
} from '@common/schemas'
import type { z } from 'zod'
import { UserError, errorMessage } from '../../engine/errors'
import { numberFlag, type FlagSpecs, type ParsedFlags } from '../args'
import { INPUT_FLAGS, inputFromFlags } from './dataset-lines'

const YES_NO = ['yes', 'no'] as const

/** Every flag that sets part of a run's configuration. */
export const RUN_FLAGS = {
  preset: {
    type: 'string',
    description: `start from a preset: ${BUILTIN_PRESETS.map((p) => `"${p.name}"`).join(', ')} (any case); flags override it`,
  },
  dataset: {
    type: 'string',
    description:
      'mnist, fashion-mnist, or a folder: class subfolders of images, CIFAR-10 batches or IDX files (default mnist)',
  },
  ...INPUT_FLAGS,
  architecture: {
    type: 'string',
    description: "the network as JSON, inline or in a file (default: the notebook's)",
  },
  epochs: numberFlag(RUN_LIMITS.epochs, 'passes over the training set (default 50)'),
  'batch-size': numberFlag(RUN_LIMITS.batchSize, 'images per step (default 100)'),
  'learning-rate': numberFlag(
    RUN_LIMITS.learningRate,
    'step size of the optimizer, the peak of a schedule (default 1e-4)',
  ),
  optimizer: { type: 'string', choices: optimizerSchema.options, description: 'default adam' },
  momentum: numberFlag(RUN_LIMITS.momentum, 'momentum of sgd (default 0.9)'),
  seed: numberFlag(
    RUN_LIMITS.seed,
    'seed of the weights, split, shuffling, dropout, augmentation (default 42)',
  ),
  'train-limit': numberFlag(RUN_LIMITS.trainLimit, 'train on the first N training images only'),
  'validation-split': numberFlag(
    RUN_LIMITS.validationSplit,
    'fraction of the training images held out to validate on (default 0.1; 0 validates on the test set)',
  ),
  rotation: numberFlag(RUN_LIMITS.rotation, 'augmentation: largest rotation in degrees (default 0)'),
  zoom: numberFlag(RUN_LIMITS.zoom, 'augmentation: largest zoom, as a fraction (default 0)'),
  shift: numberFlag(RUN_LIMITS.shift, 'augmentation: largest shift, as a fraction of the size (default 0)'),
  'horizontal-flip': {
    type: 'string',
    choices: YES_NO,
    description: 'augmentation: mirror half the images (not digits)',
  },
  schedule: {
    type: 'string',
    choices: learningRateScheduleSchema.options.map((o) => o.shape.kind.value),
    description: 'how the learning rate moves (default constant)',
  },
  'decay-factor': numberFlag(
    RUN_LIMITS.scheduleFactor,
    'step and exponential schedules: the factor (0.1, 0.95)',
  ),
  'decay-every': numberFlag(RUN_LIMITS.scheduleEveryEpochs, 'step schedule: epochs between steps (10)'),
  'final-factor': numberFlag(
    RUN_LIMITS.scheduleFinalFactor,
    'cosine and one-cycle: last rate as a fraction of the peak',
  ),
  'peak-at': numberFlag(
    RUN_LIMITS.schedulePeakAt,
    'one-cycle: where the peak is, as a fraction of the run (0.3)',
  ),
  'start-factor': numberFlag(
    RUN_LIMITS.scheduleStartFactor,
    'one-cycle: first rate as a fraction of the peak (0.04)',
  ),
  'warmup-epochs': numberFlag(RUN_LIMITS.warmupEpochs, 'epochs of linear warm-up from 0 (default 0)'),
  'weight-decay': numberFlag(
    RUN_LIMITS.weightDecay,
    'decoupled weight decay of the kernels, AdamW (default 0)',
  ),
  'label-smoothing': numberFlag(
    RUN_LIMITS.labelSmoothing,
    'label smoothing of the training loss (default 0)',
  ),
  // 0 turns clipping off, as an empty field does in the form.
  'clip-norm': numberFlag(
    { ...RUN_LIMITS.gradientClipNorm, aboveMin: false },
    'clip the gradient to this global norm; 0 never clips (default)',
  ),
  monitor: {
    type: 'string',
    choices: monitorSchema.options,
    description: 'the validation figure that picks the best epoch (default val_accuracy)',
  },
  'keep-best': {
    type: 'string',
    choices: YES_NO,
    description: 'keep the best epoch and test on it (default no)',
  },
  // 0 turns early stopping off, as its unticked box does in the form.
  patience: numberFlag(
    { ...RUN_LIMITS.patience, min: 0 },
    'early stopping: epochs without improvement before stopping; 0 never stops early (default)',
  ),
  'min-delta': numberFlag(
    RUN_LIMITS.minDelta,
    'early stopping: the least change that counts as improvement (0)',
  ),
  backend: { type: 'string', choices: backendPreferenceSchema.options, description: 'default auto' },
  replicas: numberFlag(
    RUN_LIMITS.replicas,
    'data-parallel replicas, one per core, on wasm/cpu (default: 2 on wasm with 2+ cores, else 1; 1 on webgpu)',
  ),
  name: { type: 'string', description: 'a name for the run' },
} satisfies FlagSpecs

export type RunFlags = ParsedFlags<typeof RUN_FLAGS>

/** The flag that sets each field of the configuration (a dotted path), to name it when refused. */
const FLAG_OF_FIELD: Record<string, keyof typeof RUN_FLAGS> = {
  dataset: 'dataset',
  'dataset.inputSize': 'input-size',
  'dataset.color': 'color',
  'dataset.fit': 'fit',
  architecture: 'architecture',
  epochs: 'epochs',
  batchSize: 'batch-size',
  learningRate: 'learning-rate',
  optimizer: 'optimizer',
  momentum: 'momentum',
  seed: 'seed',
  trainLimit: 'train-limit',
  validationSplit: 'validation-split',
  'augmentation.rotation': 'rotation',
  'augmentation.zoom': 'zoom',
  'augmentation.shift': 'shift',
  'augmentation.horizontalFlip': 'horizontal-flip',
  schedule: 'schedule',
  'schedule.factor': 'decay-factor',
  'schedule.everyEpochs': 'decay-every',
  'schedule.finalFactor': 'final-factor',
  'schedule.peakAt': 'peak-at',
  'schedule.startFactor': 'start-factor',
  warmupEpochs: 'warmup-epochs',
  weightDecay: 'weight-decay',
  labelSmoothing: 'label-smoothing',
  gradientClipNorm: 'clip-norm',
  monitor: 'monitor',
  keepBest: 'keep-best',
  'earlyStopping.patience': 'patience',
  'earlyStopping.minDelta': 'min-delta',
  backend: 'backend',
  replicas: 'replicas',
  name: 'name',
}

/** The schedule parameters each flag sets, and the schedules that take it. */
const SCHEDULE_FLAGS = {
  'decay-factor': { field: 'factor', kinds: ['step', 'exponential'] },
  'decay-every': { field: 'everyEpochs', kinds: ['step'] },
  'final-factor': { field: 'finalFactor', kinds: ['cosine', 'one-cycle'] },
  'peak-at': { field: 'peakAt', kinds: ['one-cycle'] },
  'start-factor': { field: 'startFactor', kinds: ['one-cycle'] },
} as const

/** The names of the flags that set part of a configuration and were given. */
export function givenRunFlags(flags: RunFlags): string[] {
  return Object.keys(RUN_FLAGS).filter((flag) => flags[flag as keyof RunFlags] !== undefined)
}

/**
 * The run configuration the flags describe: the preset's (regardless of case), with every flag
 * given on top. Throws UserError naming the flag that is wrong.
 */
export async function configFromFlags(flags: RunFlags): Promise<RunConfig> {
  const base: Record<string, unknown> =
    flags.preset === undefined ? {} : { ...presetNamed(flags.preset).config }
  const set = (field: string, value: unknown) => {
    if (value !== undefined) base[field] = value
  }
  const merge = (field: string, values: Record<string, unknown>) => {
    const given = Object.entries(values).filter(([, v]) => v !== undefined)
    if (given.length > 0)
      base[field] = { ...(base[field] as object | undefined), ...Object.fromEntries(given) }
  }
  set('name', flags.name)
  set('dataset', datasetFromFlags(flags))
  set('architecture', await readArchitecture(flags.architecture))
  set('epochs', flags.epochs)
  set('batchSize', flags['batch-size'])
  set('learningRate', flags['learning-rate'])
  set('optimizer', flags.optimizer)
  set('momentum', flags.momentum)
  set('seed', flags.seed)
  set('trainLimit', flags['train-limit'])
  set('validationSplit', flags['validation-split'])
  merge('augmentation', {
    rotation: flags.rotation,
    zoom: flags.zoom,
    shift: flags.shift,
    horizontalFlip: yesNo(flags['horizontal-flip']),
  })
  base.schedule = scheduleFrom(flags, base.schedule as { kind: string } | undefined)
  set('warmupEpochs', flags['warmup-epochs'])
  set('weightDecay', flags['weight-decay'])
  set('labelSmoothing', flags['label-smoothing'])
  set('gradientClipNorm', flags['clip-norm'] === 0 ? null : flags['clip-norm'])
  set('monitor', flags.monitor)
  set('keepBest', yesNo(flags['keep-best']))
  if (flags.patience === 0) base.earlyStopping = null
  else if (flags.patience !== undefined || flags['min-delta'] !== undefined) {
    const current = (base.earlyStopping as object | null | undefined) ?? {}
    if (flags.patience === undefined && !('patience' in current))
      throw new UserError('--min-delta needs early stopping: give --patience too.', 'invalid', 'min-delta')
    merge('earlyStopping', { ...current, patience: flags.patience, minDelta: flags['min-delta'] })
  }
  set('backend', flags.backend)
  set('replicas', flags.replicas)

  // The same strict check as a runs.start request: a misspelt key in --architecture is refused.
  const parsed = requestSchemas['runs.start'].safeParse(base)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]
  const path = issue.path.map(String)
  const field = [path.slice(0, 2).join('.'), path[0]].find((f) => f in FLAG_OF_FIELD)
  const flag = field ? FLAG_OF_FIELD[field] : path[0]
  const inside = path.slice(field ? field.split('.').length : 1).join('.')
  throw new UserError(describeFlagIssue(issue, flag, flags[flag as keyof RunFlags], inside), 'invalid', flag)
}

/** The built-in preset called `name`, or a sentence listing them. */
function presetNamed(name: string): Preset {
  const found = findPreset(name)
  if (found) return found
  const known = BUILTIN_PRESETS.map((p) => `"${p.name}"`).join(', ')
  throw new UserError(`There is no preset "${name.trim()}"; the presets are ${known}.`, 'invalid', 'preset')
}

/** The schedule of the flags over the preset's: a new kind starts from its defaults. */
function scheduleFrom(flags: RunFlags, preset: { kind: string } | undefined): unknown {
  const kind = flags.schedule ?? preset?.kind ?? 'constant'
  const schedule: Record<string, unknown> =
    flags.schedule === undefined || flags.schedule === preset?.kind ? { ...preset, kind } : { kind }
  for (const [flag, { field, kinds }] of Object.entries(SCHEDULE_FLAGS)) {
    const value = flags[flag as keyof typeof SCHEDULE_FLAGS]
    if (value === undefined) continue
    if (!(kinds as readonly string[]).includes(kind))
      throw new UserError(
        `--${flag} is a setting of the ${kinds.join(' and ')} schedule${kinds.length > 1 ? 's' : ''}, not of ${kind}; give --schedule ${kinds[0]}.`,
        'invalid',
        flag,
      )
    schedule[field] = value
  }
  return flags.schedule === undefined && preset === undefined && Object.keys(schedule).length === 1
    ? undefined
    : schedule
}

function yesNo(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'yes'
}

/** What is wrong with the value of a flag, in the flag's own terms. */
function describeFlagIssue(issue: z.core.$ZodIssue, flag: string, value: unknown, inside: string): string {
  if (issue.code === 'unrecognized_keys') {
    const key = [inside, issue.keys[0]].filter(Boolean).join('.')
    return `--${flag} has "${key}", which is not a field of a network.`
  }
  if (!inside && issue.code === 'too_small')
    return `--${flag} must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}, not ${String(value)}.`
  if (!inside && issue.code === 'too_big')
    return `--${flag} must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}, not ${String(value)}.`
  const where = inside ? ` (at ${inside})` : ''
  return `--${flag} is not accepted${where}: ${issue.message.replace(/\.$/, '')}.`
}

/** The value of --architecture: inline JSON, or the path of a JSON file. */
export async function readArchitecture(value: string | undefined): Promise<unknown> {
  if (value === undefined) return undefined
  let text = value
  if (!value.trimStart().startsWith('{')) {
    try {
      text = await readFile(value, 'utf8')
    } catch (error) {
      throw new UserError(
        `--architecture: cannot read ${value} (${errorMessage(error)}).`,
        'invalid',
        'architecture',
      )
    }
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new UserError('--architecture is not valid JSON.', 'invalid', 'architecture')
  }
}

/** --dataset with a folder's --input-size, --color and --fit; those three only go with a folder. */
function datasetFromFlags(flags: RunFlags): DatasetRef | undefined {
  const given = (['input-size', 'color', 'fit'] as const).find((flag) => flags[flag] !== undefined)
  const value = flags.dataset
  if (value === undefined || value === 'mnist' || value === 'fashion-mnist') {
    if (given)
      throw new UserError(`--${given} applies to a folder data set (--dataset FOLDER).`, 'invalid', given)
    return value === undefined ? undefined : { kind: value }
  }
  return { kind: 'folder', path: resolve(value), ...inputFromFlags(flags) }
}
