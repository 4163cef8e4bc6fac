import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { WASM_INSTANCE_LIMIT, estimateRunMemory } from '@common/memory'
import {
  NOTEBOOK_ARCHITECTURE,
  architectureSchema,
  runConfigSchema,
  type OptimizerName,
} from '@common/schemas'
import type { z } from 'zod'
import { planLayers } from '../model/architecture'
import { writeBarDataset } from '../train/test-data'
import { checkRunMemory } from './memory-check'
import { barRunConfig, managerOnFreshHome, useBarDataRoot } from './test-helpers'

type ArchitectureInput = z.input<typeof architectureSchema>

const MIB = 1024 ** 2
const GIB = 1024 ** 3

const conv = (filters: number, kernelSize: number, more: object = {}) => ({ filters, kernelSize, ...more })
const same512 = (pooling: 'max' | 'none') => conv(512, 3, { padding: 'same', pooling })
/** The network of the issue that found the gap: six 512-filter same-padding blocks (11.9M parameters). */
const SIX_512: ArchitectureInput = {
  convBlocks: [
    same512('max'),
    same512('max'),
    same512('max'),
    same512('none'),
    same512('none'),
    same512('none'),
  ],
  denseLayers: [],
}
const NOTEBOOK_3X3: ArchitectureInput = {
  convBlocks: [conv(32, 3), conv(64, 3)],
  denseLayers: [{ units: 500, dropout: 0.4 }],
}
const WIDE_CONV: ArchitectureInput = {
  convBlocks: [conv(128, 5, { padding: 'same', pooling: 'none' }), conv(128, 3, { padding: 'same' })],
  denseLayers: [{ units: 1024 }],
}
const WIDE_DENSE: ArchitectureInput = {
  convBlocks: [conv(16, 3, { pooling: 'none' })],
  denseLayers: [{ units: 2048 }, { units: 2048 }],
}
const ONE_CONV: ArchitectureInput = { convBlocks: [conv(32, 3)], denseLayers: [{ units: 128 }] }

/**
 * The wasm heap's size (it only grows) in a fresh process after two training steps at `batch`, or
 * after one validation batch of `batch` images, on 28x28 images, with the kernels of this version:
 * measured by bench/memory-peak.ts (four rows measured again on the 2-core AMD EPYC: within 1 MiB).
 * The estimate must never fall short of them.
 */
const MEASURED: [ArchitectureInput, 'train' | 'validate', number, OptimizerName, number, number][] = [
  [NOTEBOOK_ARCHITECTURE, 'train', 10, 'adam', 0.9, 23 * MIB],
  [NOTEBOOK_ARCHITECTURE, 'train', 500, 'adam', 0.9, 392 * MIB],
  [NOTEBOOK_ARCHITECTURE, 'train', 2000, 'adam', 0.9, 1412 * MIB],
  [NOTEBOOK_ARCHITECTURE, 'validate', 500, 'adam', 0.9, 69 * MIB],
  [NOTEBOOK_ARCHITECTURE, 'validate', 4000, 'adam', 0.9, 527 * MIB],
  [NOTEBOOK_3X3, 'train', 1000, 'adam', 0.9, 907 * MIB],
  [NOTEBOOK_3X3, 'validate', 4000, 'adam', 0.9, 616 * MIB],
  [SIX_512, 'train', 4, 'adam', 0.9, 280 * MIB],
  [SIX_512, 'train', 16, 'adam', 0.9, 426 * MIB],
  [WIDE_CONV, 'train', 32, 'adam', 0.9, 930 * MIB],
  [WIDE_CONV, 'train', 128, 'adam', 0.9, 1080 * MIB],
  [WIDE_CONV, 'validate', 500, 'adam', 0.9, 705 * MIB],
  [WIDE_DENSE, 'train', 64, 'adam', 0.9, 824 * MIB],
  [WIDE_DENSE, 'train', 1024, 'adam', 0.9, 974 * MIB],
  [WIDE_DENSE, 'train', 64, 'sgd', 0, 477 * MIB],
  [WIDE_DENSE, 'train', 64, 'sgd', 0.9, 824 * MIB],
  [WIDE_DENSE, 'train', 1024, 'sgd', 0.9, 974 * MIB],
  [WIDE_DENSE, 'train', 64, 'rmsprop', 0.9, 2009 * MIB],
  [ONE_CONV, 'train', 1000, 'adam', 0.9, 675 * MIB],
  [ONE_CONV, 'train', 4000, 'adam', 0.9, 2606 * MIB],
]

const layersOf = (architecture: ArchitectureInput, size = 28) =>
  planLayers(architectureSchema.parse(architecture), [size, size, 1], 10)

const configOf = (architecture: ArchitectureInput, batchSize: number, more: object = {}) =>
  runConfigSchema.parse({ architecture, batchSize, backend: 'wasm', ...more })

const machine = { backend: 'wasm' as const, cores: 2, machineBytes: 24 * GIB }

describe('the memory estimate', () => {
  it('covers every measured peak, by at most two thirds more (and the first 32 MiB)', () => {
    for (const [architecture, moment, batchSize, optimizer, momentum, measured] of MEASURED) {
      const layers = layersOf(architecture)
      const input = { layers, batchSize, replicas: 1, optimizer, momentum, backend: 'wasm' as const }
      const estimate = estimateRunMemory(input)
      const { parameters, training, validation } = estimate.moments
      const bytes = moment === 'train' ? Math.max(parameters, training) : validation
      const what = `${moment} ${batchSize} ${optimizer} ${momentum}: ${Math.round(bytes / MIB)} MiB for ${Math.round(measured / MIB)}`
      expect(bytes, what).toBeGreaterThanOrEqual(measured)
      expect(bytes, what).toBeLessThan(measured * 1.67 + 32 * MIB)
    }
  })

  it('leaves the notebook network, as its presets train it, far from any limit', () => {
    for (const replicas of [1, 2]) {
      const estimate = estimateRunMemory({
        layers: layersOf(NOTEBOOK_ARCHITECTURE),
        batchSize: 100,
        replicas,
        optimizer: 'adam',
        momentum: 0.9,
        backend: 'wasm',
      })
      expect(estimate.perInstanceBytes).toBeLessThan(WASM_INSTANCE_LIMIT / 20)
      expect(estimate.totalBytes).toBeLessThan(512 * MIB)
    }
    expect(() =>
      checkRunMemory(configOf(NOTEBOOK_ARCHITECTURE, 100), layersOf(NOTEBOOK_ARCHITECTURE), machine),
    ).not.toThrow()
  })

  it('refuses with the estimate and the limit: past wasm’s 4 GiB, and past the machine’s memory', () => {
    const sixAt4096 = () =>
      checkRunMemory(configOf(SIX_512, 4096, { replicas: 1 }), layersOf(SIX_512), machine)
    expect(sixAt4096).toThrow(
      /^This run needs about \d+ GiB in its wasm instance, mostly for the layer outputs of each batch of 4096 images, more than the 4\.0 GiB a wasm instance can address; lower the batch size or use fewer filters\.$/,
    )
    const twoReplicas = () => checkRunMemory(configOf(SIX_512, 4096), layersOf(SIX_512), machine)
    expect(twoReplicas).toThrow(
      /^This run needs about \d+ GiB in each of its wasm replicas, mostly for the layer outputs of its share of each batch/,
    )
    // The same run on a native backend meets the machine's memory instead.
    const native = { ...machine, backend: 'tensorflow' as const }
    expect(() => checkRunMemory(configOf(SIX_512, 4096), layersOf(SIX_512), native)).toThrow(
      /^This run needs about \d+ GiB of memory, mostly for the layer outputs of each batch of 4096 images, more than this machine’s 24 GiB; lower the batch size or use fewer filters\.$/,
    )
    // At batch 16 it fits: its weights and Adam's update are what it needs most.
    expect(() => checkRunMemory(configOf(SIX_512, 16), layersOf(SIX_512), machine)).not.toThrow()
  })
})

describe('RunManager and memory', { timeout: 120_000 }, () => {
  const where = useBarDataRoot('cnn-memory-')
  let big: string
  beforeAll(async () => {
    // 28x28 images, 2,675 of them: enough for the batch of the out-of-memory run below.
    big = await writeBarDataset(join(where.root, 'bars28'), 2675, 20, 28)
  })

  it('refuses a run that would not fit, with a sentence, and writes nothing', async () => {
    const { home, manager, events } = await managerOnFreshHome(where.root)
    const config = barRunConfig(where.dataFolder, {
      architecture: SIX_512,
      batchSize: 4096,
      backend: 'wasm',
      replicas: 1,
    })
    await expect(manager.start(config)).rejects.toMatchObject({
      code: 'invalid',
      field: 'batchSize',
      message: expect.stringMatching(/^This run needs about \d+ GiB in its wasm instance/),
    })
    expect(existsSync(join(home, 'runs')) ? await readdir(join(home, 'runs')) : []).toEqual([])
    expect(events).toEqual([])
  })

  it('ends a run that runs out of memory while it trains with a sentence', async () => {
    // Kept from the estimate (it would refuse the run), so that the trainer meets wasm's limit:
    // the first layer's output for a batch of 2,675 takes 4 GiB and 96 KiB.
    const { manager } = await managerOnFreshHome(where.root, {
      memoryEnvironment: async () => ({ ...machine, backend: null }),
    })
    const run = await manager.start(
      barRunConfig(where.dataFolder, {
        dataset: { kind: 'folder', path: big },
        architecture: { convBlocks: [same512('none')], denseLayers: [] },
        batchSize: 2675,
        epochs: 1,
        backend: 'wasm',
        replicas: 1,
      }),
    )
    const final = await manager.waitFor(run.id)
    expect(final.status).toBe('failed')
    expect(final.error).toMatch(
      /^Training ran out of memory \(.+\); lower the batch size or use fewer or smaller layers\.$/,
    )
  })
})
