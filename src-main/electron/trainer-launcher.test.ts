/**
 * The desktop app's training processes, started through a stand-in for Electron's utilityProcess
 * (real Node processes that look like utility processes from both sides): the trainer takes the
 * main process's GPU adapter answer from its start message, because in the packaged app it cannot
 * run the probe (the binary's RunAsNode fuse is off).
 */
import { describe, expect, it } from 'vitest'
import type { BackendPreference } from '@common/schemas'
import { gpuAdapterAnswer } from '../engine/backend/webgpu/adapter-answer'
import type { ProbeAnswer } from '../engine/backend/webgpu/probe'
import { barRunConfig, managerOnFreshHome, useBarDataRoot } from '../engine/runs/test-helpers'
import { resolveTrainerEntry } from '../engine/train'
import { utilityProcessLauncher } from './trainer-launcher'
import { utilityProcessStandIn } from './utility-process.fixtures'

const bars = useBarDataRoot('cnn-utility-trainer-')

const config = (backend: BackendPreference) =>
  barRunConfig(bars.dataFolder, { epochs: 1, backend, replicas: 1 })

/** A run manager whose trainers are stand-in utility processes told `answer` by the main side. */
async function desktopRuns(answer: () => Promise<ProbeAnswer>) {
  const { utility, forks } = utilityProcessStandIn()
  const launch = utilityProcessLauncher(utility, answer, resolveTrainerEntry().path)
  const { manager } = await managerOnFreshHome(bars.root, { launch })
  return { manager, forks }
}

describe('utilityProcessLauncher', () => {
  it("gives the trainer the main process's GPU adapter answer, and the trainer probes nothing", async () => {
    // Not what a probe would find here (llvmpipe): a trainer that probed would train on it, and
    // under (stand-in) Electron the probe refuses to start anyway.
    const reason = 'Dawn found no adapter through Vulkan (as the main process saw it)'
    const { manager, forks } = await desktopRuns(async () => ({ adapter: null, reason }))
    const run = await manager.start(config('webgpu'))
    const final = await manager.waitFor(run.id)
    expect(final.status).toBe('failed')
    expect(final.error).toContain(`webgpu: no GPU adapter: ${reason}`)
    expect(forks.map((f) => f.serviceName)).toEqual(['CNN Workbench training'])
    expect(forks[0].posted).toEqual([
      expect.objectContaining({ type: 'start', runId: run.id, gpuAdapter: { adapter: null, reason } }),
    ])
  })

  it("trains on webgpu with the adapter the main process's probe found", { timeout: 120_000 }, async () => {
    const { manager, forks } = await desktopRuns(gpuAdapterAnswer)
    const run = await manager.start(config('webgpu'))
    const final = await manager.waitFor(run.id)
    expect(final.error).toBeUndefined()
    expect(final.status).toBe('completed')
    const handed = (forks[0].posted[0] as { gpuAdapter: ProbeAnswer }).gpuAdapter
    expect(handed.adapter).toMatchObject({ api: 'OpenGLES', software: true })
    expect(final.backend).toMatchObject({ name: 'webgpu', adapter: handed.adapter })
  })

  it('keeps a stop behind the start that waits for the answer', async () => {
    let answer!: (value: ProbeAnswer) => void
    let asked!: () => void
    const wasAsked = new Promise<void>((resolve) => (asked = resolve))
    const { manager, forks } = await desktopRuns(() => {
      asked()
      return new Promise((resolve) => (answer = resolve))
    })
    const run = await manager.start(config('cpu'))
    await wasAsked
    const stopped = manager.stop(run.id)
    answer({ adapter: null, reason: 'no adapter' })
    const final = await stopped
    expect(forks[0].posted.map((m) => (m as { type: string }).type)).toEqual(['start', 'stop'])
    expect(final.status).toBe('stopped')
  })
})
