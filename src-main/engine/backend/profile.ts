/** Per-kernel timing of one training step, for the benchmark and for finding slow kernels. */
import * as tf from '@tensorflow/tfjs-core'

export interface KernelTime {
  kernel: string
  /** Summed over every call in the step. */
  totalMs: number
  calls: number
}

export interface StepProfile {
  /** Wall time of the whole step under profiling (slower than unprofiled: it syncs each kernel). */
  wallMs: number
  /** Sum of the kernels' times; the rest of `wallMs` is JavaScript between kernels. */
  kernelMs: number
  /** Slowest first. */
  kernels: KernelTime[]
  /** Tensors the step left allocated (should be 0 for a step that disposes what it makes). */
  newTensors: number
}

/**
 * Runs `step` (e.g. `() => model.trainOnBatch(x, y)`) once under `tf.profile` on the current
 * backend and sums kernel time by kernel name.
 */
export async function profileTrainingStep(step: () => unknown): Promise<StepProfile> {
  const started = performance.now()
  const info = await tf.profile(async () => {
    await step()
  })
  const wallMs = performance.now() - started
  const byName = new Map<string, KernelTime>()
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0
    const entry = byName.get(k.name) ?? { kernel: k.name, totalMs: 0, calls: 0 }
    entry.totalMs += ms
    entry.calls += 1
    byName.set(k.name, entry)
  }
  const kernels = [...byName.values()].sort((a, b) => b.totalMs - a.totalMs)
  const kernelMs = kernels.reduce((sum, k) => sum + k.totalMs, 0)
  return { wallMs, kernelMs, kernels, newTensors: info.newTensors }
}
