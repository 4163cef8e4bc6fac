/**
 * Per-kernel timing of one training step, for the benchmark and for finding slow kernels.
 * Kernel times are this process's CPU time, not wall time, and each kernel's figure is the
 * least of several runs of the step: on a machine that other work shares (two cores here),
 * wall times of single kernels say more about the neighbours than about the kernel.
 */
import * as tf from '@tensorflow/tfjs-core'

export interface KernelTime {
  kernel: string
  /** Summed over every call in the step (the least such sum of the runs). */
  totalMs: number
  calls: number
}

export interface StepProfile {
  /** CPU time of the whole step, least of the runs (more than unprofiled: it syncs each kernel). */
  cpuMs: number
  /** Sum of the kernels' times; the rest of `cpuMs` is JavaScript between kernels. */
  kernelMs: number
  /** Slowest first. */
  kernels: KernelTime[]
  /** Tensors the step left allocated in its last run (0 for a step that disposes what it makes). */
  newTensors: number
  runs: number
}

/** This process's CPU time in milliseconds. */
function cpuMs(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/**
 * Runs `step` (e.g. `() => model.trainOnBatch(x, y)`) `runs` times under `tf.profile` on the
 * current backend and sums each run's kernel time by kernel name.
 */
export async function profileTrainingStep(step: () => unknown, runs = 3): Promise<StepProfile> {
  // tfjs times a kernel with its platform's clock; CPU time makes it the kernel's own cost.
  const platform = tf.env().platform as { now(): number }
  const wallClock = platform.now
  const best = new Map<string, KernelTime>()
  let stepMs = Infinity
  let newTensors = 0
  platform.now = cpuMs
  try {
    for (let run = 0; run < runs; run++) {
      const started = cpuMs()
      const info = await tf.profile(async () => {
        await step()
      })
      stepMs = Math.min(stepMs, cpuMs() - started)
      newTensors = info.newTensors
      const sums = new Map<string, KernelTime>()
      for (const k of info.kernels) {
        const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0
        const entry = sums.get(k.name) ?? { kernel: k.name, totalMs: 0, calls: 0 }
        entry.totalMs += ms
        entry.calls += 1
        sums.set(k.name, entry)
      }
      for (const entry of sums.values()) {
        const known = best.get(entry.kernel)
        if (!known || entry.totalMs < known.totalMs) best.set(entry.kernel, entry)
      }
    }
  } finally {
    platform.now = wallClock
  }
  const kernels = [...best.values()].sort((a, b) => b.totalMs - a.totalMs)
  const kernelMs = kernels.reduce((sum, k) => sum + k.totalMs, 0)
  return { cpuMs: stepMs, kernelMs, kernels, newTensors, runs }
}
