/**
 * Which compute backends exist, in order of preference, and the pure logic that picks one.
 * Everything that touches Node or tfjs comes in through `BackendEnvironment`, so the rules
 * (order, the setting, the reason shown for each) are tested without the native packages.
 */
import type { BackendCandidate, BackendName, BackendReport } from '@common/contract'
import type { BackendPreference, GpuAdapter } from '@common/schemas'
import { errorMessage } from '../errors'
import { adapterLabel } from './webgpu/adapter'

export interface CandidateSpec {
  name: BackendName
  package: string
  /** The name the package registers its backend under in tfjs. */
  tfBackend: string
  native: boolean
  /** Other packages it needs installed. */
  requires?: readonly string[]
}

/** Best first: the order in which `auto` tries them. */
export const CANDIDATES: readonly CandidateSpec[] = [
  { name: 'tensorflow-gpu', package: '@tensorflow/tfjs-node-gpu', tfBackend: 'tensorflow', native: true },
  // Dawn's prebuilt dawn.node (package `webgpu`) under tfjs's WebGPU backend.
  {
    name: 'webgpu',
    package: '@tensorflow/tfjs-backend-webgpu',
    tfBackend: 'webgpu',
    native: true,
    requires: ['webgpu'],
  },
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
  /** The adapter WebGPU (Dawn) finds here; throws with the reason when there is none. */
  gpuAdapter(): Promise<GpuAdapter>
  /** The installed version of a package. */
  version(pkg: string): string
  /** Makes the backend the current one (`tf.setBackend`); throws with the reason when it cannot. */
  start(candidate: CandidateSpec): Promise<{ device: string; threads: number; adapter?: GpuAdapter }>
}

/** Whether the setting lets this backend be chosen. */
export function allowedBy(preference: BackendPreference, name: BackendName): boolean {
  switch (preference) {
    case 'auto':
      return true
    case 'tensorflow':
      return name === 'tensorflow-gpu' || name === 'tensorflow'
    case 'webgpu':
      return name === 'webgpu'
    case 'wasm':
      return name === 'wasm'
    case 'cpu':
      return name === 'cpu'
  }
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 'MODULE_NOT_FOUND'
}

/** Whether one candidate can be used: why not, or the GPU adapter it found (webgpu). */
type Probe = { failure: string } | { failure: null; adapter?: GpuAdapter }

/** Why the candidate's packages cannot be resolved ("not installed..."), or null when they can. */
function unresolved(spec: CandidateSpec, env: BackendEnvironment): string | null {
  for (const pkg of [spec.package, ...(spec.requires ?? [])]) {
    try {
      env.resolve(pkg)
    } catch (error) {
      if (!isNotFound(error)) return `failed to load: ${errorMessage(error)}`
      return pkg === spec.package ? 'not installed' : `not installed (it needs the package ${pkg})`
    }
  }
  return null
}

/** Loads one candidate (or, for webgpu, finds its adapter). */
async function tryLoad(spec: CandidateSpec, env: BackendEnvironment): Promise<Probe> {
  const missing = unresolved(spec, env)
  if (missing !== null) return { failure: missing }
  if (spec.name === 'tensorflow-gpu' && env.gpuDevices().length === 0)
    return { failure: 'no GPU device seen' }
  if (spec.name === 'webgpu') {
    // Its tfjs package registers the backend only once WebGPU is set up, at start; the probe
    // says whether there is an adapter to set it up on.
    try {
      return { failure: null, adapter: await env.gpuAdapter() }
    } catch (error) {
      return { failure: `no GPU adapter: ${firstLine(errorMessage(error))}` }
    }
  }
  try {
    await env.load(spec.package)
  } catch (error) {
    return { failure: `failed to load: ${firstLine(errorMessage(error))}` }
  }
  if (!env.isRegistered(spec.tfBackend)) {
    return {
      failure: `failed to load: it registered no '${spec.tfBackend}' backend with this app's copy of tfjs-core`,
    }
  }
  return { failure: null }
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
      const missing = unresolved(spec, env)
      const reason = missing?.startsWith('not installed')
        ? missing
        : shadowed
          ? `not tried: ${selected} is used`
          : `not tried: ${describePreference(preference)}`
      candidates.push({ name: spec.name, package: spec.package, available: false, reason })
      continue
    }
    const probe = await tryLoad(spec, env)
    const available = probe.failure === null
    const candidate: BackendCandidate = { name: spec.name, package: spec.package, available }
    if (probe.failure === null && probe.adapter) candidate.adapter = probe.adapter
    if (probe.failure !== null) candidate.reason = probe.failure
    else if (!allowed) candidate.reason = `not chosen: ${describePreference(preference)}`
    else if (shadowed) candidate.reason = `not chosen: ${selected} is used`
    else if (preference === 'auto' && probe.adapter?.software) {
      // The why first: panels show the first words of a reason.
      candidate.reason = `not chosen: software adapter, wasm is faster on the CPU (${adapterLabel(probe.adapter)}; set the backend to webgpu to use it anyway)`
    } else selected = spec.name
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
