import { describe, expect, it } from 'vitest'
import type { GpuAdapter } from '@common/schemas'
import { adoptGpuAdapterAnswer, gpuAdapter, gpuAdapterAnswer, setProbeLauncher } from './adapter-answer'
import { spawnNodeProbe, type LaunchProbe } from './probe'

/** A launcher that starts the real probe process and counts its starts. */
function countingLauncher() {
  const started: string[] = []
  const launch: LaunchProbe = (entry) => {
    started.push(entry.path)
    return spawnNodeProbe(entry)
  }
  return { launch, started }
}

const discrete: GpuAdapter = {
  vendor: 'nvidia',
  architecture: 'ada',
  device: 'NVIDIA GeForce RTX 4070',
  description: 'Vulkan 1.3',
  api: 'Vulkan',
  software: false,
}

describe("this process's GPU adapter answer", () => {
  it('probes once, through the launcher its shell set, and hands the answer on as plain data', async () => {
    const { launch, started } = countingLauncher()
    setProbeLauncher(launch)
    const [first, second] = await Promise.all([gpuAdapter(), gpuAdapter()])
    expect(first).toMatchObject({ api: 'OpenGLES', software: true })
    expect(second).toBe(first)
    expect(started).toHaveLength(1)
    expect(started[0]).toMatch(/probe-entry\.ts$/)
    expect(await gpuAdapterAnswer()).toEqual({ adapter: first })
  })

  it('takes an answer handed over by another process and starts no probe of its own', async () => {
    const { launch, started } = countingLauncher()
    setProbeLauncher(launch)
    adoptGpuAdapterAnswer({ adapter: discrete })
    expect(await gpuAdapter()).toEqual(discrete)

    const reason = 'the GPU adapter probe exited with code 139 (Segmentation fault in the driver)'
    adoptGpuAdapterAnswer({ adapter: null, reason })
    await expect(gpuAdapter()).rejects.toThrow(reason)
    expect(await gpuAdapterAnswer()).toEqual({ adapter: null, reason })
    expect(started).toEqual([])
  })
})
