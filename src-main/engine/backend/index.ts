/**
 * The one place that decides the compute backend. `probeBackends` says which backends this
 * machine can use and why the better ones cannot; `activateBackend` makes the chosen one
 * current (for wasm, with our training kernels registered first).
 */
import type { BackendReport, BackendUsed } from '@common/contract'
import type { BackendPreference } from '@common/schemas'
import { nodeEnvironment } from './node-environment'
import { createBackendSelector } from './selector'

export type { BackendEnvironment, CandidateSpec } from './candidates'
export { CANDIDATES, allowedBy, probeCandidates } from './candidates'
export { createBackendSelector } from './selector'
export type { BackendSelector } from './selector'
export { registerWasmTrainingKernels } from './wasm-kernels'
export { profileTrainingStep } from './profile'
export type { KernelTime, StepProfile } from './profile'
export {
  ExchangeAbortedError,
  GradientExchange,
  createExchangeBuffer,
} from './data-parallel/gradient-exchange'
export type { ExchangeShape } from './data-parallel/gradient-exchange'

const selector = createBackendSelector(nodeEnvironment)

/** Which backends load here, which one `preference` selects, and why the others are not used. Cached per preference. */
export function probeBackends(preference: BackendPreference): Promise<BackendReport> {
  return selector.probeBackends(preference)
}

/** Loads and sets the backend `preference` selects; a UserError when the setting allows none that works. */
export function activateBackend(
  preference: BackendPreference,
): Promise<{ used: BackendUsed; report: BackendReport }> {
  return selector.activateBackend(preference)
}
