/**
 * Making webgpu the current tfjs backend in this process, on the adapter the probe found: Dawn's
 * bindings over the same graphics API, put where tfjs's webgpu backend looks for WebGPU
 * (navigator.gpu and WebGPU's global enums), then tfjs-backend-webgpu itself, our kernels in
 * place of shipped ones, and tf.setBackend.
 */
import { createRequire } from 'node:module'
import * as tf from '@tensorflow/tfjs-core'
import type { KernelConfig } from '@tensorflow/tfjs-core'
import type { GpuAdapter } from '@common/schemas'
import { adapterLabel, dawnBackendOf, describeAdapter } from './adapter'
import { gpuFor, loadDawn, prepareDawnEnvironment, type DawnGpu } from './dawn'
import { maxPoolGradConfig } from './max-pool-grad'

const nodeRequire: NodeRequire = typeof require === 'function' ? require : createRequire(import.meta.url)

/** Every kernel this module registers for 'webgpu' in place of the shipped one. */
export const WEBGPU_TRAINING_KERNELS: readonly KernelConfig[] = [maxPoolGradConfig]

/** Makes `gpu` navigator.gpu and WebGPU's enums globals, as in a browser (Node has neither). */
function installWebgpuGlobals(globals: Record<string, unknown>, gpu: DawnGpu): void {
  const scope = globalThis as Record<string, unknown>
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in scope)) Object.defineProperty(scope, name, { value, configurable: true, writable: true })
  }
  // Node 21 and later (Electron) have a navigator without gpu; Node 20 has none.
  const navigator = scope.navigator as object | undefined
  if (navigator) Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true })
  else Object.defineProperty(scope, 'navigator', { value: { gpu }, configurable: true, writable: true })
}

/** Replaces the shipped kernels that get training wrong (tf.registerKernel refuses to overwrite). */
function registerWebgpuTrainingKernels(): void {
  for (const config of WEBGPU_TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'webgpu')?.kernelFunc === config.kernelFunc) continue
    tf.unregisterKernel(config.kernelName, 'webgpu')
    tf.registerKernel(config)
  }
}

/** Whether our kernels are the ones registered for 'webgpu' now. */
export function webgpuTrainingKernelsRegistered(): boolean {
  return WEBGPU_TRAINING_KERNELS.every(
    (c) => tf.getKernel(c.kernelName, 'webgpu')?.kernelFunc === c.kernelFunc,
  )
}

/**
 * Sets the webgpu backend on the adapter the probe found (`probed`); returns how to name it and
 * the adapter the backend actually took. Throws with the reason when it cannot start.
 */
export async function startWebgpu(
  probed: GpuAdapter,
): Promise<{ device: string; threads: number; adapter: GpuAdapter }> {
  const backend = dawnBackendOf(probed.api)
  if (!backend) throw new Error(`Dawn's ${probed.api} backend is not one this app drives`)
  let taken: GpuAdapter | null = null
  if (tf.findBackend('webgpu') === null) {
    prepareDawnEnvironment(backend)
    const dawn = await loadDawn()
    const gpu = gpuFor(dawn, backend)
    const request = gpu.requestAdapter.bind(gpu)
    gpu.requestAdapter = async (options) => {
      const adapter = await request(options)
      if (adapter) taken = describeAdapter(adapter.info, backend.api)
      return adapter
    }
    installWebgpuGlobals(dawn.globals, gpu)
    // It registers its backend on import, and only where navigator.gpu exists.
    nodeRequire('@tensorflow/tfjs-backend-webgpu')
    if (!tf.findBackendFactory('webgpu')) {
      throw new Error("tfjs-backend-webgpu registered no 'webgpu' backend with this app's copy of tfjs-core")
    }
  }
  registerWebgpuTrainingKernels()
  if (!(await tf.setBackend('webgpu')))
    throw new Error(`tfjs could not initialise webgpu on ${adapterLabel(probed)}`)
  // Its one-time console warnings (synchronous reads, no GPU timestamps when profiling) are for
  // browser developers; the engine reports through events, and reads asynchronously where it counts.
  Object.assign(tf.backend(), { hasReadSyncWarned: true, hasTimestampQueryWarned: true })
  const adapter = taken ?? probed
  return { device: adapterLabel(adapter), threads: 1, adapter }
}
