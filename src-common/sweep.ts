/**
 * A hyperparameter sweep as a person writes it (a JSON or YAML file, or the new-sweep form) and
 * as `<home>/sweeps/<id>/sweep.json` records it. Pure zod and pure functions: the engine, the CLI
 * and the renderer share them. A bad configuration is refused with one sentence naming its key.
 */
import { z } from 'zod'
import { monitorSchema } from './recipe'
import { runConfigSchema, runIdSchema, type RunConfig } from './schemas'

/** The most trials one sweep may hold. */
export const MAX_SWEEP_TRIALS = 1000

/** A value a parameter may take: whatever a run setting holds. */
export const parameterValueSchema = z.union([z.number(), z.string(), z.boolean(), z.null()])
export type ParameterValue = z.infer<typeof parameterValueSchema>

/**
 * One searched setting: a list of `values`, or a `distribution` between `min` and `max`
 * (`log_uniform`: uniform in the logarithm, for learning rates; `int_uniform`: whole numbers,
 * both ends included).
 */
export const sweepParameterSchema = z.union([
  z.object({ values: z.array(parameterValueSchema).min(1).max(1000) }),
  z.object({
    distribution: z.enum(['uniform', 'log_uniform', 'int_uniform']),
    min: z.number(),
    max: z.number(),
  }),
])
export type SweepParameter = z.infer<typeof sweepParameterSchema>

/** What the sweep optimizes: a validation figure (never the test set's). */
export const sweepMetricSchema = z.object({
  name: monitorSchema,
  goal: z.enum(['maximize', 'minimize']),
})
export type SweepMetric = z.infer<typeof sweepMetricSchema>

/**
 * Early termination. `asha`: rungs at min_epochs x eta^k epochs; at a rung a trial goes on only
 * if it is in the top 1/eta of the trials that reached that rung (asynchronous successive
 * halving, Li et al. 2020). `median`: from min_epochs on, a trial stops when its best so far is
 * worse than the median of the other trials' at the same epoch (once `startup_trials` have).
 */
export const earlyTerminateSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('asha'),
    min_epochs: z.number().int().min(1).max(1000).default(1),
    eta: z.number().int().min(2).max(10).default(3),
  }),
  z.object({
    type: z.literal('median'),
    min_epochs: z.number().int().min(1).max(1000).default(1),
    startup_trials: z.number().int().min(1).max(100).default(2),
  }),
])
export type EarlyTerminate = z.infer<typeof earlyTerminateSchema>

/** A sweep's configuration, before its cross-field checks (the form builds this shape). */
const sweepFieldsSchema = z.object({
  name: z.string().trim().max(120).optional(),
  /** The run settings every trial starts from, as `runs.start` takes them. */
  base: runConfigSchema.omit({ name: true }),
  method: z.enum(['grid', 'random', 'tpe']),
  metric: sweepMetricSchema,
  /** Run settings by their path in the run configuration: `learningRate`, `architecture.denseLayers.0.dropout`. */
  parameters: z.record(z.string().min(1), sweepParameterSchema),
  /** How many trials in all; grid: every combination when absent. */
  run_cap: z.number().int().min(1).max(MAX_SWEEP_TRIALS).optional(),
  early_terminate: earlyTerminateSchema.nullable().default(null),
  /** Trials training at once (the home's trainer cap still applies). */
  concurrency: z.number().int().min(1).max(64).default(1),
  /** Seed of the sampler: the same seed and results give the same trials. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
})

/** A sweep's configuration, every parameter checked against the base run configuration. */
export const sweepConfigSchema = sweepFieldsSchema.superRefine((config, ctx) => {
  const problems = sweepConfigProblems(config)
  for (const { path, message } of problems) ctx.addIssue({ code: 'custom', path, message })
})
export type SweepConfig = z.output<typeof sweepConfigSchema>
export type SweepConfigInput = z.input<typeof sweepConfigSchema>

/** A trial's life: waiting for a trainer, training, stopped early by the pruner, done, broken, or halted with its sweep. */
export const trialStateSchema = z.enum(['queued', 'running', 'pruned', 'completed', 'failed', 'stopped'])
export type TrialState = z.infer<typeof trialStateSchema>

export const sweepIdSchema = runIdSchema

/** One trial: an ordinary run (`runId`, null until created) trained with `params` over the base. */
export const sweepTrialSchema = z.object({
  /** 1, 2, ... in the order the sampler proposed them. */
  number: z.number().int().min(1),
  runId: runIdSchema.nullable(),
  params: z.record(z.string(), parameterValueSchema),
  state: trialStateSchema,
  /** Epochs it trains for: the base's, or more once extended. */
  epochs: z.number().int().min(1),
  /** The metric after each finished epoch (what the pruner and the charts read). */
  values: z.array(z.number()),
  /** The best of `values` by the metric's goal; null before the first epoch. */
  value: z.number().nullable(),
  /** Why it was pruned ("stopped at epoch 3: val_accuracy 0.912 was below ...") or failed. */
  reason: z.string().optional(),
  /** The epoch it was pruned at. */
  prunedAt: z.number().int().min(1).optional(),
})
export type SweepTrial = z.infer<typeof sweepTrialSchema>

/** A sweep's life; `interrupted`: recorded as running, but the process running it is gone. */
export const sweepStatusSchema = z.enum(['running', 'stopped', 'completed', 'failed', 'interrupted'])
export type SweepStatus = z.infer<typeof sweepStatusSchema>

/** What `<home>/sweeps/<id>/sweep.json` holds (written atomically). */
export const sweepRecordSchema = z.object({
  id: sweepIdSchema,
  name: z.string(),
  createdAt: z.string().min(1),
  updatedAt: z.string().min(1),
  status: sweepStatusSchema,
  error: z.string().optional(),
  /** Lenient on read: the cross-field checks ran when the sweep was created. */
  config: sweepFieldsSchema,
  /** How many trials the sweep ends with (run_cap, or the grid's size). */
  trialCount: z.number().int().min(1),
  trials: z.array(sweepTrialSchema),
})
export type SweepRecord = z.infer<typeof sweepRecordSchema>

/** Where a run belongs to a sweep: the field of `run.json` that says so. */
export const runSweepRefSchema = z.object({ id: sweepIdSchema, trial: z.number().int().min(1) })
export type RunSweepRef = z.infer<typeof runSweepRefSchema>

/** The epochs at which ASHA compares trials: min_epochs x eta^k, below `epochs`. */
export function ashaRungs(epochs: number, minEpochs: number, eta: number): number[] {
  const rungs: number[] = []
  for (let rung = minEpochs; rung < epochs; rung *= eta) rungs.push(rung)
  return rungs
}

/** Whether `a` is a better value of the metric than `b`. */
export function isBetter(goal: SweepMetric['goal'], a: number, b: number): boolean {
  return goal === 'maximize' ? a > b : a < b
}

/** The grid's size: the product of every parameter's count of values (null when one is a distribution). */
export function gridSize(parameters: Record<string, SweepParameter>): number | null {
  let size = 1
  for (const parameter of Object.values(parameters)) {
    if (!('values' in parameter)) return null
    size *= parameter.values.length
  }
  return size
}

/** How many trials a sweep ends with. */
export function sweepTrialCount(config: SweepConfig): number {
  const grid = config.method === 'grid' ? (gridSize(config.parameters) ?? 1) : Infinity
  return Math.min(config.run_cap ?? grid, grid)
}

/** The run configuration of a trial: the base with each parameter set at its path. */
export function trialConfig(
  base: SweepConfig['base'],
  params: Record<string, ParameterValue>,
  name?: string,
): RunConfig {
  const config = structuredClone(base) as Record<string, unknown>
  for (const [path, value] of Object.entries(params)) setAtPath(config, path, value)
  return runConfigSchema.parse({ ...config, ...(name ? { name } : {}) })
}

/** One problem of a configuration: its key as a path, and what is wrong. */
export interface SweepConfigProblem {
  path: (string | number)[]
  message: string
}

/** The cross-field problems of a sweep configuration whose fields each parsed. */
function sweepConfigProblems(config: z.output<typeof sweepFieldsSchema>): SweepConfigProblem[] {
  const problems: SweepConfigProblem[] = []
  const entries = Object.entries(config.parameters)
  if (entries.length === 0) problems.push({ path: ['parameters'], message: 'must name at least one setting' })
  if (config.method !== 'grid' && config.run_cap === undefined) {
    problems.push({ path: ['run_cap'], message: `is needed with method ${config.method}` })
  }
  for (const [key, parameter] of entries) {
    const at = (...rest: (string | number)[]) => ['parameters', key, ...rest]
    const current = valueAtPath(config.base, key)
    if (current === undefined) {
      problems.push({ path: at(), message: 'is not a setting of the run configuration' })
      continue
    }
    if ('values' in parameter) {
      parameter.values.forEach((value, i) => {
        const problem = trialProblem(config.base, key, value)
        if (problem) problems.push({ path: at('values', i), message: problem })
      })
      continue
    }
    if (config.method === 'grid') {
      problems.push({ path: at(), message: 'needs a list of values with method grid' })
      continue
    }
    if (typeof current !== 'number') {
      problems.push({ path: at('distribution'), message: 'is for number settings only' })
      continue
    }
    const { distribution, min, max } = parameter
    if (!(max > min)) problems.push({ path: at('max'), message: 'must be above min' })
    else if (distribution === 'log_uniform' && min <= 0) {
      problems.push({ path: at('min'), message: 'must be above 0 for log_uniform' })
    } else if (distribution === 'int_uniform' && !(Number.isInteger(min) && Number.isInteger(max))) {
      problems.push({ path: at('min'), message: 'and max must be whole numbers for int_uniform' })
    } else {
      for (const [end, value] of [
        ['min', min],
        ['max', max],
      ] as const) {
        const problem = trialProblem(config.base, key, value)
        if (problem) problems.push({ path: at(end), message: problem })
      }
    }
  }
  return problems
}

/** Why the base with `value` at `path` is not a run configuration, or null. */
function trialProblem(base: SweepConfig['base'], path: string, value: ParameterValue): string | null {
  const config = structuredClone(base) as Record<string, unknown>
  setAtPath(config, path, value)
  const parsed = runConfigSchema.safeParse(config)
  if (parsed.success) return null
  const issue = parsed.error.issues[0]
  const where = issue.path.map(String).join('.')
  return where === path ? issue.message : `makes ${where} invalid: ${issue.message}`
}

/** The value at a dotted path (array indices as numbers), or undefined where the path leads nowhere. */
export function valueAtPath(root: unknown, path: string): unknown {
  let node: unknown = root
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

function setAtPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let node: Record<string, unknown> = root
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>
  node[keys[keys.length - 1]] = value
}

/**
 * A sweep configuration's first problem as one sentence naming its key, as the CLI and the form
 * say it: 'parameters.learningRate.max must be above min.'
 */
export function sweepConfigError(error: z.ZodError): { key: string; message: string } {
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0]
  const at = issue.path.map(String)
  if (issue.code === 'unrecognized_keys') {
    const key = [...at, issue.keys[0]].join('.')
    return { key, message: `${key} is not a key of a sweep configuration.` }
  }
  const key = at.join('.') || 'The configuration'
  // Our own messages read on from the key ("must be above min"); zod's own start a sentence.
  const text = /^[A-Z]/.test(issue.message)
    ? `is invalid: ${issue.message[0].toLowerCase()}${issue.message.slice(1)}`
    : issue.message
  return { key, message: `${key} ${text}.`.replace(/\.\.$/, '.') }
}
