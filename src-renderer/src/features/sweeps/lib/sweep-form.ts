/**
 * The new-sweep form as a person edits it (text in every number field, so a half-typed value is
 * kept and named when wrong), its conversion to a sweep configuration checked by the contract's
 * own schema, and the other way, for a configuration imported from a JSON or YAML file.
 */
import { parse as parseYaml } from 'yaml'
import { requestSchemas } from '@common/requests'
import { sweepConfigError, type SweepConfig, type SweepConfigInput, type SweepParameter } from '@common/sweep'
import type { Preset } from '@common/schemas'
import { BUILTIN_PRESETS } from '@common/presets'

export type ParamMode = 'values' | 'uniform' | 'log_uniform' | 'int_uniform'

export interface ParamRowForm {
  /** The setting's path in the run configuration: `learningRate`, `architecture.denseLayers.0.dropout`. */
  path: string
  mode: ParamMode
  /** Comma-separated values, for mode `values`. */
  values: string
  min: string
  max: string
}

/** Where the trials' base configuration comes from: the settings' defaults, a preset, or a file. */
export type BaseSource = { kind: 'defaults' } | { kind: 'preset'; name: string } | { kind: 'file' }

export interface SweepForm {
  name: string
  base: BaseSource
  /** The base's epochs and training images, when set here (empty: as the base has them). */
  epochs: string
  trainLimit: string
  method: SweepConfig['method']
  metric: SweepConfig['metric']['name']
  goal: SweepConfig['metric']['goal']
  params: ParamRowForm[]
  runCap: string
  earlyTerminate: 'none' | 'asha' | 'median'
  minEpochs: string
  eta: string
  concurrency: string
}

/** What the base sources hold: the settings' defaults, the user's presets, an imported file's base. */
export interface BaseContext {
  defaults: Preset['config']
  presets: readonly Preset[]
  fileBase: SweepConfigInput['base'] | null
}

/** The outcome of checking the form: the configuration, or the first problem naming its key. */
export type FormCheck =
  { config: SweepConfig; error: null } | { config: null; error: { key: string; message: string } }

/** A new form: TPE on validation accuracy over the learning rate, as most sweeps start. */
export function emptySweepForm(): SweepForm {
  return {
    name: '',
    base: { kind: 'defaults' },
    epochs: '3',
    trainLimit: '',
    method: 'tpe',
    metric: 'val_accuracy',
    goal: 'maximize',
    params: [{ path: 'learningRate', mode: 'log_uniform', values: '', min: '1e-4', max: '1e-2' }],
    runCap: '8',
    earlyTerminate: 'asha',
    minEpochs: '1',
    eta: '3',
    concurrency: '1',
  }
}

/** The settings a new parameter row offers, by path; any other path can be typed. */
export const SUGGESTED_PATHS = [
  'learningRate',
  'batchSize',
  'optimizer',
  'momentum',
  'weightDecay',
  'labelSmoothing',
  'warmupEpochs',
  'architecture.denseLayers.0.dropout',
  'architecture.denseLayers.0.units',
  'architecture.convBlocks.0.filters',
] as const

/** A comma-separated list as values: numbers, true/false, null, or text. */
export function parseValues(text: string): (number | string | boolean | null)[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      if (part === 'true' || part === 'false') return part === 'true'
      if (part === 'null') return null
      const n = Number(part)
      return Number.isFinite(n) ? n : part.replace(/^["']|["']$/g, '')
    })
}

class FormProblem extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message)
  }
}

function number(key: string, text: string): number {
  const n = Number(text.trim())
  if (text.trim() === '' || !Number.isFinite(n)) {
    throw new FormProblem(key, `${key} must be a number${text.trim() ? `, not “${text.trim()}”` : ''}.`)
  }
  return n
}

function baseOf(form: SweepForm, context: BaseContext): Record<string, unknown> {
  let base: Record<string, unknown>
  if (form.base.kind === 'file') base = { ...(context.fileBase ?? {}) }
  else if (form.base.kind === 'preset') {
    const name = form.base.name
    const preset = [...BUILTIN_PRESETS, ...context.presets].find((p) => p.name === name)
    if (!preset) throw new FormProblem('base', `base: there is no preset named “${name}”.`)
    base = { ...context.defaults, ...preset.config }
  } else base = { ...context.defaults }
  if (form.epochs.trim()) base.epochs = number('base.epochs', form.epochs)
  if (form.trainLimit.trim()) base.trainLimit = number('base.trainLimit', form.trainLimit)
  return base
}

function parameterOf(row: ParamRowForm, key: string): SweepParameter {
  if (row.mode === 'values') {
    const values = parseValues(row.values)
    if (values.length === 0) throw new FormProblem(`${key}.values`, `${key}.values needs at least one value.`)
    return { values }
  }
  return {
    distribution: row.mode,
    min: number(`${key}.min`, row.min),
    max: number(`${key}.max`, row.max),
  }
}

/** The configuration the form describes, before the schema's check. */
export function formInput(form: SweepForm, context: BaseContext): SweepConfigInput {
  const parameters: Record<string, SweepParameter> = {}
  for (const row of form.params) {
    const path = row.path.trim()
    if (!path) throw new FormProblem('parameters', 'parameters: every row needs the path of a setting.')
    const key = `parameters.${path}`
    if (path in parameters) throw new FormProblem(key, `${key} is searched twice; keep one row for it.`)
    parameters[path] = parameterOf(row, key)
  }
  const early =
    form.earlyTerminate === 'none'
      ? null
      : form.earlyTerminate === 'asha'
        ? {
            type: 'asha' as const,
            min_epochs: number('early_terminate.min_epochs', form.minEpochs),
            eta: number('early_terminate.eta', form.eta),
          }
        : { type: 'median' as const, min_epochs: number('early_terminate.min_epochs', form.minEpochs) }
  return {
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
    base: baseOf(form, context) as SweepConfigInput['base'],
    method: form.method,
    metric: { name: form.metric, goal: form.goal },
    parameters,
    ...(form.runCap.trim() ? { run_cap: number('run_cap', form.runCap) } : {}),
    early_terminate: early,
    concurrency: number('concurrency', form.concurrency),
  }
}

/** The form checked: the sweep configuration it makes, or its first problem as one sentence naming the key. */
export function checkSweepForm(form: SweepForm, context: BaseContext): FormCheck {
  let input: SweepConfigInput
  try {
    input = formInput(form, context)
  } catch (e) {
    if (e instanceof FormProblem) return { config: null, error: { key: e.key, message: e.message } }
    throw e
  }
  return checkSweepConfig(input)
}

/** A configuration checked as `sweeps.start` checks it (an unknown key anywhere is named). */
export function checkSweepConfig(input: unknown): FormCheck {
  const parsed = requestSchemas['sweeps.start'].safeParse(input)
  if (parsed.success) return { config: parsed.data, error: null }
  return { config: null, error: sweepConfigError(parsed.error) }
}

/** The text of a sweep file (JSON, or YAML when it is not JSON) as an object; throws a sentence. */
export function parseSweepFile(text: string, fileName: string): unknown {
  const json = /\.json$/i.test(fileName)
  try {
    return json ? JSON.parse(text) : parseYaml(text)
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e)
    throw new Error(`${fileName} is not valid ${json ? 'JSON' : 'YAML'}: ${reason}`, { cause: e })
  }
}

function text(value: number | undefined): string {
  return value === undefined ? '' : String(value)
}

/** The form showing a checked configuration, its base kept as the file's. */
export function formFromConfig(config: SweepConfig): SweepForm {
  const early = config.early_terminate
  return {
    name: config.name ?? '',
    base: { kind: 'file' },
    epochs: '',
    trainLimit: '',
    method: config.method,
    metric: config.metric.name,
    goal: config.metric.goal,
    params: Object.entries(config.parameters).map(([path, p]) =>
      'values' in p
        ? { path, mode: 'values', values: p.values.map(String).join(', '), min: '', max: '' }
        : { path, mode: p.distribution, values: '', min: String(p.min), max: String(p.max) },
    ),
    runCap: text(config.run_cap),
    earlyTerminate: early?.type ?? 'none',
    minEpochs: text(early?.min_epochs ?? 1),
    eta: early?.type === 'asha' ? String(early.eta) : '3',
    concurrency: String(config.concurrency),
  }
}

/** Which form field a problem's key belongs to: a row's index, or a field's name. */
export function problemField(
  key: string,
  form: SweepForm,
): { row: number } | { field: keyof SweepForm } | null {
  if (key.startsWith('parameters.')) {
    const rest = key.slice('parameters.'.length)
    const row = form.params.findIndex((r) => rest === r.path.trim() || rest.startsWith(`${r.path.trim()}.`))
    return row >= 0 ? { row } : { field: 'params' }
  }
  if (key === 'parameters') return { field: 'params' }
  if (key === 'run_cap') return { field: 'runCap' }
  if (key === 'concurrency') return { field: 'concurrency' }
  if (key.startsWith('early_terminate.min_epochs')) return { field: 'minEpochs' }
  if (key.startsWith('early_terminate.eta')) return { field: 'eta' }
  if (key === 'base.epochs') return { field: 'epochs' }
  if (key === 'base.trainLimit') return { field: 'trainLimit' }
  if (key === 'name') return { field: 'name' }
  return null
}
