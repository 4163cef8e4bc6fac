/**
 * The memory check before a run is created or resumed: the estimate of `@common/memory` for the
 * backend the run will use, against that backend's ceiling and this machine's memory.
 */
import { availableParallelism, totalmem } from 'node:os'
import type { BackendName } from '@common/contract'
import { replicaCount } from '@common/limits'
import { estimateRunMemory, memoryProblem, type MemoryInput } from '@common/memory'
import type { BackendPreference, RunConfig } from '@common/schemas'
import { UserError } from '../errors'
import type { LayerPlan } from '../model/architecture'

/** What the check needs of the machine: the backend a run would get, cores and memory. */
export interface MemoryEnvironment {
  /** Null when no backend loads (training then fails with a sentence of its own). */
  backend: BackendName | null
  cores: number
  machineBytes: number
}

/** This machine, with the backend that `preference` selects here. */
export async function machineMemoryEnvironment(preference: BackendPreference): Promise<MemoryEnvironment> {
  // Loaded on demand: listing runs (the CLI's `runs list`) needs no backend code.
  const { probeBackends } = await import('../backend')
  const report = await probeBackends(preference)
  return { backend: report.selected, cores: availableParallelism(), machineBytes: totalmem() }
}

/** Throws a UserError, giving the estimate and the limit, when `config` would not fit its memory. */
export function checkRunMemory(config: RunConfig, layers: LayerPlan[], env: MemoryEnvironment): void {
  if (env.backend === null) return
  const input: MemoryInput = {
    layers,
    batchSize: config.batchSize,
    replicas: replicaCount(config.replicas, env.backend, env.cores),
    optimizer: config.optimizer,
    momentum: config.momentum,
    backend: env.backend,
  }
  const estimate = estimateRunMemory(input)
  const problem = memoryProblem(estimate, input, env.machineBytes)
  if (problem)
    throw new UserError(problem, 'invalid', estimate.cause === 'parameters' ? 'architecture' : 'batchSize')
}
