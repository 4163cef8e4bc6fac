/**
 * Training on webgpu end to end, on this machine's software adapter (Mesa's llvmpipe): a run
 * forced to webgpu in its own training process, its record naming the adapter; its checkpoint
 * read by the inspector on webgpu and on wasm; and runs stopped on one backend that resume on
 * the other, as a run moved between machines would. (Stopping itself is the same message on
 * every backend; run-manager.test.ts tests it.)
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EpochMetrics, EventChannel, RunRecord } from '@common/contract'
import { runConfigSchema, type BackendPreference } from '@common/schemas'
import { activateBackend } from '../backend'
import { expectClose } from '../backend/wasm-kernels/test-helpers'
import { decodeTensor } from '../inspect/encode'
import { runPaths } from '../run-files/paths'
import { writeRecord } from '../run-files/record'
import { RunInspector } from '../inspect/inspector'
import { runTrainerSession } from '../train/session'
import { TINY_ARCHITECTURE, writeBarDataset } from '../train/test-data'
import { RunManager } from './run-manager'

let root: string
let dataFolder: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-webgpu-'))
  dataFolder = await writeBarDataset(join(root, 'bars'), 300, 100)
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** One replica everywhere: replicas draw their own dropout masks, and webgpu always trains on one. */
const config = (backend: BackendPreference, epochs = 2) =>
  runConfigSchema.parse({
    dataset: { kind: 'folder', path: dataFolder },
    architecture: TINY_ARCHITECTURE,
    epochs,
    batchSize: 30,
    learningRate: 0.01,
    seed: 3,
    backend,
    replicas: 1,
  })

describe('a run on webgpu', () => {
  // Its own training process and the adapter probe's start, compile their shaders on llvmpipe.
  it(
    'trains in its training process, names the adapter, and its checkpoint inspects alike on webgpu and wasm',
    { timeout: 180_000 },
    async () => {
      const home = await mkdtemp(join(root, 'home-'))
      const epochs: number[] = []
      const manager = new RunManager({
        home,
        emit: (channel: EventChannel, payload) => {
          if (channel === 'runs.epoch') epochs.push((payload as { metrics: EpochMetrics }).metrics.epoch)
        },
      })
      const run = await manager.start(config('webgpu', 2))
      const final: RunRecord = await manager.waitFor(run.id)
      expect(final.status).toBe('completed')
      expect(epochs).toEqual([1, 2])
      expect(final.backend).toMatchObject({ name: 'webgpu', threads: 1 })
      expect(final.backend?.adapter).toMatchObject({ api: 'OpenGLES', software: true })
      expect(final.backend?.device).toMatch(/^llvmpipe.*\(OpenGLES, software\)$/)
      expect(final.summary!.valAccuracy).toBeGreaterThan(0.5)

      // The trainer's last validation, the inspector's evaluation on webgpu and on wasm: one model.
      const onWebgpu = new RunInspector({ home, backend: 'webgpu' })
      const gpu = await onWebgpu.evaluate(run.id)
      const gpuMaps = await onWebgpu.activations(run.id, { kind: 'test', index: 3 })
      onWebgpu.dispose()
      const onWasm = new RunInspector({ home, backend: 'wasm' })
      const cpu = await onWasm.evaluate(run.id)
      const cpuMaps = await onWasm.activations(run.id, { kind: 'test', index: 3 })
      onWasm.dispose()
      expect(gpu.checkpointEpoch).toBe(2)
      // One image of 100 may fall either side of a tie between two classes.
      expect(Math.abs(gpu.accuracy - final.summary!.valAccuracy)).toBeLessThanOrEqual(0.01)
      expect(Math.abs(gpu.accuracy - cpu.accuracy)).toBeLessThanOrEqual(0.01)
      expectClose(Float32Array.from(gpuMaps.probabilities), Float32Array.from(cpuMaps.probabilities), 1e-4)
      gpuMaps.layers.forEach((layer, i) => {
        expectClose(
          decodeTensor(layer.activations),
          decodeTensor(cpuMaps.layers[i].activations),
          1e-4,
          layer.name,
        )
      })
    },
  )
})

describe('checkpoints move between webgpu and wasm', () => {
  /** A run folder holding only run.json, as the run manager makes one. */
  async function newRun(home: string, id: string): Promise<void> {
    await mkdir(runPaths(home, id).dir, { recursive: true })
    const now = new Date().toISOString()
    await writeRecord(runPaths(home, id).record, {
      id,
      name: id,
      createdAt: now,
      updatedAt: now,
      status: 'running',
      config: config('auto'),
      dataset: null,
      backend: null,
      summary: null,
      checkpointEpoch: 0,
    })
  }

  /**
   * Trains run `id` in this process on `backend`, up to `until` epochs; returns the epochs'
   * metrics. At the run's last epoch nothing stops it: the test set is evaluated then.
   */
  async function train(home: string, id: string, backend: 'webgpu' | 'wasm', resume: boolean, until: number) {
    const metrics: EpochMetrics[] = []
    const outcome = await runTrainerSession({
      runId: id,
      home,
      resume,
      send: (message) => {
        if (message.type === 'epoch') metrics.push(message.metrics)
      },
      shouldStop: () => until < config('auto').epochs && metrics.at(-1)?.epoch === until,
      activateBackend: () => activateBackend(backend),
    })
    return { outcome, metrics }
  }

  it('a run stopped on one resumes on the other and ends where an uninterrupted wasm run does', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    const figures = (m: EpochMetrics) => [m.trainLoss, m.valLoss, m.trainAccuracy, m.valAccuracy]
    await newRun(home, 'straight')
    const straight = await train(home, 'straight', 'wasm', false, 2)
    expect(straight.outcome).toBe('completed')
    const reference = figures(straight.metrics[1])

    for (const [first, second] of [
      ['webgpu', 'wasm'],
      ['wasm', 'webgpu'],
    ] as const) {
      const id = `${first}-then-${second}`
      await newRun(home, id)
      expect((await train(home, id, first, false, 1)).outcome).toBe('stopped')
      const resumed = await train(home, id, second, true, 2)
      expect(resumed.outcome).toBe('completed')
      expect(resumed.metrics.map((m) => m.epoch)).toEqual([2])
      // The backends agree to float rounding, step by step; twenty steps later, still closely.
      const [trainLoss, valLoss, trainAccuracy, valAccuracy] = figures(resumed.metrics[0])
      expect(trainLoss, id).toBeCloseTo(reference[0], 3)
      expect(valLoss, id).toBeCloseTo(reference[1], 3)
      expect(Math.abs(trainAccuracy - reference[2]), id).toBeLessThanOrEqual(0.01)
      expect(Math.abs(valAccuracy - reference[3]), id).toBeLessThanOrEqual(0.01)
    }
  })
})
