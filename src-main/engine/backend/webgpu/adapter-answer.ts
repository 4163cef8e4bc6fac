/**
 * This process's answer to "which GPU adapter would WebGPU train on here", found once a process
 * (drivers do not come and go while it runs). By default the probe process is started with
 * `spawnNodeProbe`. Electron's main process sets a launcher built on utilityProcess; Electron's
 * training process probes nothing: its start message carries the main process's answer, adopted
 * here. Both because the packaged app's binary, its RunAsNode fuse off, cannot run as Node.
 */
import type { GpuAdapter } from '@common/schemas'
import { errorMessage } from '../../errors'
import { probeGpuAdapter, spawnNodeProbe, type LaunchProbe, type ProbeAnswer } from './probe'

let find: () => Promise<GpuAdapter> = () => probeGpuAdapter({ launch: spawnNodeProbe })
let answer: Promise<GpuAdapter> | null = null

/** Starts this process's adapter probe with `launch` from now on (a cached answer is dropped). */
export function setProbeLauncher(launch: LaunchProbe): void {
  find = () => probeGpuAdapter({ launch })
  answer = null
}

/** Takes the answer another process found (its `gpuAdapterAnswer`) instead of probing here. */
export function adoptGpuAdapterAnswer(handed: ProbeAnswer): void {
  find = async () => {
    if (handed.adapter) return handed.adapter
    throw new Error(handed.reason)
  }
  answer = null
}

/** The adapter WebGPU would use here; throws with the reason when there is none. */
export function gpuAdapter(): Promise<GpuAdapter> {
  answer ??= find()
  return answer
}

/** The same answer as a plain JSON-safe value, to hand to another process. */
export function gpuAdapterAnswer(): Promise<ProbeAnswer> {
  return gpuAdapter().then(
    (adapter) => ({ adapter }),
    (error: unknown) => ({ adapter: null, reason: errorMessage(error) }),
  )
}
