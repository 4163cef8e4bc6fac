/**
 * The benchmark's workloads: the notebook's network and recipe (the default), and the "Best
 * accuracy" preset's (batch norm, stride-2 convolutions, augmentation, a one-cycle schedule).
 * bench.ts, workbench-runner.ts and pytorch_peer.py (which builds the same networks itself) all
 * run the workload named on their command line.
 */
import { BUILTIN_PRESETS, findPreset } from '@common/presets'
import { runConfigSchema, type RunConfig } from '@common/schemas'

export const WORKLOADS = ['notebook', 'best'] as const
export type Workload = (typeof WORKLOADS)[number]

/** The run configuration a workload trains with (its seed 1, as the bench always had). */
export function workloadConfig(workload: Workload): RunConfig {
  const preset = workload === 'best' ? findPreset('Best accuracy') : BUILTIN_PRESETS[0]
  return runConfigSchema.parse({ ...preset!.config, seed: 1 })
}

/** The workload named `name`, or an error naming the known ones. */
export function parseWorkload(name: string): Workload {
  if ((WORKLOADS as readonly string[]).includes(name)) return name as Workload
  throw new Error(`unknown workload "${name}"; the workloads are ${WORKLOADS.join(', ')}`)
}
