/**
 * Which compute backends exist, in order of preference, and the pure logic that picks one.
 * Everything that touches Node or tfjs comes in through `BackendEnvironment`, so the rules
 * (order, the setting, the reason shown for each) are tested without the native packages.
 */
import type { BackendCandidate, BackendName, BackendReport } from '@common/contract'
import type { BackendPreference } from '@common/schemas'
import { errorMessage } from '../errors'

export interface CandidateSpec {
  name: BackendName
  package: string
  /** The name the package registers its backend under in tfjs. */
  tfBackend: string
  native: boolean
}

/** Best first: the order in which `auto` tries them. */
export const CANDIDATES: readonly CandidateSpec[] = [
  { name: 'tensorflow-gpu', package: '@tensorflow/tfjs-node-gpu', tfBackend: 'tensorflow', native: true },
  { name: 'tensorflow', package: '@tensorflow/tfjs-node', tfBackend: 'tensorflow', native: true },
  { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', tfBackend: 'wasm', native: false },
  { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', tfBackend: 'cpu', native: false },
]

/** What the machine and the process offer; the real one is `nodeEnvironment`. */
export interface BackendEnvironment {
  /** Throws when the package is not installed. */
  resolve(pkg: string): void
  /** Loads the package so that it registers its tfjs backend; throws when that fails. */
  load(pkg: string): Promise<void>
  /** Whether tfjs (our copy of tfjs-core) has a backend of this name registered. */
  isRegistered(tfBackend: string): boolean
  /** The GPUs the machine's NVIDIA driver shows, by name; empty when none. */
  gpuDevices(): string[]
  /** The installed version of a package. */
  version(pkg: string): string
  /** Makes the backend the current one (`tf.setBackend`); throws with the reason when it cannot. */
  start(candidate: CandidateSpec): Promise<{ device: string; threads: number }>
}

/** Whether the setting lets this backend be chosen. */
export function allowedBy(preference: BackendPreference, name: BackendName): boolean {
  switch (preference) {
    case 'auto':
      return true
    case 'tensorflow':
      return name === 'tensorflow-gpu' || name === 'tensorflow'
    case 'wasm':
      return name === 'wasm'
    case 'cpu':
      return name === 'cpu'
  }
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 'MODULE_NOT_FOUND'
}

/** Loads one candidate; returns null when it is usable, else the reason it is not. */
async function tryLoad(spec: CandidateSpec, env: BackendEnvironment): Promise<string | null> {
  try {
    env.resolve(spec.package)
  } catch (error) {
    return isNotFound(error) ? 'not installed' : `failed to load: ${errorMessage(error)}`
  }
  if (spec.name === 'tensorflow-gpu' && env.gpuDevices().length === 0) return 'no GPU device seen'
  try {
    await env.load(spec.package)
  } catch (error) {
    return `failed to load: ${firstLine(errorMessage(error))}`
  }
  if (!env.isRegistered(spec.tfBackend)) {
    return `failed to load: it registered no '${spec.tfBackend}' backend with this app's copy of tfjs-core`
  }
  return null
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]
}

function describePreference(preference: BackendPreference): string {
  return preference === 'tensorflow' ? 'the setting forces tensorflow' : `the setting forces ${preference}`
}

/**
 * Probes every candidate for `preference` and picks the first usable one it allows.
 * Native packages are loaded only while no better backend is chosen and the setting allows
 * them (a user may force wasm precisely because a native library crashes); the others are
 * pure JavaScript/wasm and always probed, so the report says whether they would work.
 */
export async function probeCandidates(
  preference: BackendPreference,
  env: BackendEnvironment,
  /** Candidates already known unusable (they failed to start), with the reason. */
  failed: ReadonlyMap<BackendName, string> = new Map(),
): Promise<BackendReport> {
  let selected: BackendName | null = null
  const candidates: BackendCandidate[] = []
  for (const spec of CANDIDATES) {
    const allowed = allowedBy(preference, spec.name)
    const shadowed = selected !== null
    const failure = failed.get(spec.name)
    if (failure !== undefined) {
      candidates.push({ name: spec.name, package: spec.package, available: false, reason: failure })
      continue
    }
    if (spec.native && (!allowed || shadowed)) {
      // Do not load a native library we will not use; still say whether it is installed.
      let reason = shadowed
        ? `not tried: ${selected} is used`
        : `not tried: ${describePreference(preference)}`
      try {
        env.resolve(spec.package)
      } catch (error) {
        if (isNotFound(error)) reason = 'not installed'
      }
      candidates.push({ name: spec.name, package: spec.package, available: false, reason })
      continue
    }
    const loadFailure = await tryLoad(spec, env)
    const available = loadFailure === null
    const candidate: BackendCandidate = { name: spec.name, package: spec.package, available }
    if (!available) candidate.reason = loadFailure
    else if (!allowed) candidate.reason = `not chosen: ${describePreference(preference)}`
    else if (shadowed) candidate.reason = `not chosen: ${selected} is used`
    else selected = spec.name
    candidates.push(candidate)
  }
  return { preference, selected, candidates }
}

/** The sentence a user sees when the setting allows no usable backend. */
export function unavailableMessage(report: BackendReport): string {
  const allowed = report.candidates.filter((c) => allowedBy(report.preference, c.name))
  const why = allowed.map((c) => `${c.name}: ${c.reason ?? 'unavailable'}`).join('; ')
  if (report.preference === 'auto') return `No compute backend can be used (${why}).`
  return `The ${report.preference} backend cannot be used (${why}). Choose another backend in the settings.`
}
