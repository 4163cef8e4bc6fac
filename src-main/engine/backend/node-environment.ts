/**
 * The real `BackendEnvironment`: Node's module resolution, the NVIDIA driver's view of the
 * GPUs, Dawn's view of them (this process's adapter answer, `webgpu/adapter-answer.ts`), and
 * tfjs. Kept thin; the rules live in `candidates.ts` and are tested there.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type { GpuAdapter } from '@common/schemas'
import type { BackendEnvironment, CandidateSpec } from './candidates'
import { registerWasmTrainingKernels } from './wasm-kernels'
import { gpuAdapter } from './webgpu/adapter-answer'
import { startWebgpu } from './webgpu/start'
import { useRelaxedSimd } from './wasm-kernels/simd/features'

// Natives are CommonJS and optional: load them with require, from CJS bundles and ESM alike.
const nodeRequire: NodeRequire = typeof require === 'function' ? require : createRequire(import.meta.url)

const NVIDIA_PROC = '/proc/driver/nvidia/gpus'

/** GPU names from the NVIDIA driver: /proc on Linux, else nvidia-smi if it is on the PATH. */
export function nvidiaGpus(): string[] {
  if (existsSync(NVIDIA_PROC)) {
    return readdirSync(NVIDIA_PROC).map((bus) => {
      const info = readFileSync(join(NVIDIA_PROC, bus, 'information'), 'utf8')
      return /^Model:\s*(.+)$/m.exec(info)?.[1].trim() ?? `NVIDIA GPU ${bus}`
    })
  }
  if (process.platform === 'linux') return []
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    return out
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
  } catch {
    // No driver, no nvidia-smi: no GPU this process could use.
    return []
  }
}

async function setBackendOrThrow(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs could not initialise the '${name}' backend`)
}

async function startWasm(): Promise<{ device: string; threads: number }> {
  registerWasmTrainingKernels()
  // Emscripten's glue adds process handlers that rethrow every uncaught error with the whole
  // minified glue line attached; take them out again so errors read as Node prints them.
  const exceptionHandlers = process.listeners('uncaughtException')
  const rejectionHandlers = process.listeners('unhandledRejection')
  try {
    await setBackendOrThrow('wasm')
  } finally {
    for (const listener of process.listeners('uncaughtException')) {
      if (!exceptionHandlers.includes(listener)) process.removeListener('uncaughtException', listener)
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!rejectionHandlers.includes(listener)) process.removeListener('unhandledRejection', listener)
    }
  }
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')
  const wasm = nodeRequire('@tensorflow/tfjs-backend-wasm') as { getThreadsCount(): number }
  const instructions = !simd ? '' : useRelaxedSimd() ? ', relaxed SIMD' : ', SIMD'
  return { device: `CPU (wasm${instructions})`, threads: wasm.getThreadsCount() }
}

async function startCandidate(
  spec: CandidateSpec,
): Promise<{ device: string; threads: number; adapter?: GpuAdapter }> {
  switch (spec.name) {
    case 'webgpu':
      return startWebgpu(await gpuAdapter())
    case 'wasm':
      return startWasm()
    case 'cpu': {
      await setBackendOrThrow('cpu')
      // Its first write prints a banner urging tfjs-node; the backend report already says why not.
      ;(tf.backend() as { firstUse?: boolean }).firstUse = false
      return { device: 'CPU (JavaScript)', threads: 1 }
    }
    case 'tensorflow':
      await setBackendOrThrow('tensorflow')
      return { device: 'CPU (libtensorflow)', threads: availableParallelism() }
    case 'tensorflow-gpu': {
      await setBackendOrThrow('tensorflow')
      const native = tf.backend() as { isUsingGpuDevice?: boolean }
      if (native.isUsingGpuDevice === false) throw new Error('libtensorflow found no usable CUDA device')
      const [gpu] = nvidiaGpus()
      return { device: `${gpu ?? 'NVIDIA GPU'} (CUDA)`, threads: availableParallelism() }
    }
  }
}

export const nodeEnvironment: BackendEnvironment = {
  resolve(pkg) {
    nodeRequire.resolve(pkg)
  },
  async load(pkg) {
    nodeRequire(pkg)
  },
  isRegistered(tfBackend) {
    return tf.findBackendFactory(tfBackend) != null
  },
  gpuDevices: nvidiaGpus,
  gpuAdapter,
  version(pkg) {
    return (nodeRequire(`${pkg}/package.json`) as { version: string }).version
  },
  start: startCandidate,
}
