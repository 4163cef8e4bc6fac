/**
 * The benchmark's workloads: the notebook's network and recipe (the default), and the "Best
 * accuracy" preset's (batch norm, stride-2 convolutions, augmentation, a one-cycle schedule).
 * bench.ts, workbench-runner.ts and pytorch_peer.py (which builds the same networks itself) all
 * run the workload named on their command line.
 */
import { BUILTIN_PRESETS, findPreset } from '@common/presets'
import { requestSchemas } from '@common/requests'
import { runConfigSchema, type RunConfig } from '@common/schemas'

export const WORKLOADS = ['notebook', 'best'] as const
export type Workload = (typeof WORKLOADS)[number]

/**
 * The run configuration a workload trains with (its seed 1, as the bench always had); with
 * `architecture` (a network as --architecture gives it), that network with the workload's recipe.
 */
export function workloadConfig(workload: Workload, architecture?: unknown): RunConfig {
  const preset = workload === 'best' ? findPreset('Best accuracy') : BUILTIN_PRESETS[0]
  if (architecture === undefined) return runConfigSchema.parse({ ...preset!.config, seed: 1 })
  // As strict as a runs.start request: a misspelt key is refused, not dropped.
  const parsed = requestSchemas['runs.start'].safeParse({ ...preset!.config, architecture, seed: 1 })
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues.find((i) => i.code === 'unrecognized_keys') ?? parsed.error.issues[0]
  throw new Error(`--architecture is not accepted (at ${issue.path.slice(1).join('.')}): ${issue.message}.`)
}

/** The workload named `name`, or an error naming the known ones. */
export function parseWorkload(name: string): Workload {
  if ((WORKLOADS as readonly string[]).includes(name)) return name as Workload
  throw new Error(`unknown workload "${name}"; the workloads are ${WORKLOADS.join(', ')}`)
}
