import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EventChannel } from '@common/contract'
import { sweepConfigSchema, type SweepConfigInput } from '@common/sweep'
import { RunManager } from '../runs'
import { useBarDataRoot } from '../runs/test-helpers'
import { inProcessTrainerLaunch } from '../train/in-process-launch'
import { TINY_ARCHITECTURE } from '../train/test-data'
import { SweepRunner } from './sweep-runner'

const where = useBarDataRoot('cnn-sweeps-')

/** A runner and its run manager on a fresh home, trials trained in this process. */
async function setup() {
  const home = await mkdtemp(join(where.root, 'home-'))
  let sweeps: SweepRunner | null = null
  const emit = (channel: EventChannel, payload: unknown) => sweeps?.observe(channel, payload)
  const runs = new RunManager({ home, emit, launch: inProcessTrainerLaunch(), maxTrainers: () => 1 })
  sweeps = new SweepRunner({ home, runs, emit, pollMs: 200 })
  return { home, runs, sweeps }
}

/** A grid over two learning rates, one that learns and one far too small, by validation loss. */
const grid = (overrides: Partial<SweepConfigInput> = {}) =>
  sweepConfigSchema.parse({
    base: {
      dataset: { kind: 'folder', path: where.dataFolder },
      architecture: TINY_ARCHITECTURE,
      epochs: 3,
      batchSize: 30,
      backend: 'cpu',
      replicas: 1,
      validationSplit: 0,
    },
    method: 'grid',
    metric: { name: 'val_loss', goal: 'minimize' },
    parameters: { learningRate: { values: [0.03, 1e-6] } },
    ...overrides,
  })

describe('the sweep runner', { timeout: 180_000 }, () => {
  it('prunes a trial at its rung, keeping its checkpoint there and saying why, and gives it more epochs later', async () => {
    const { runs, sweeps } = await setup()
    const started = await sweeps.start(grid({ early_terminate: { type: 'asha', min_epochs: 1, eta: 2 } }))
    const done = await sweeps.waitFor(started.id)
    expect(done.status).toBe('completed')
    const [good, slow] = done.trials
    expect(good).toMatchObject({ state: 'completed', epochs: 3 })
    expect(good.values).toHaveLength(3)
    expect(slow).toMatchObject({ state: 'pruned', prunedAt: 1 })
    expect(slow.reason).toBe(
      `stopped at epoch 1: val_loss ${slow.values[0].toFixed(3)} was above the best half (${good.values[0].toFixed(3)}) of this rung`,
    )
    const pruned = (await runs.get(slow.runId!)).record
    expect(pruned).toMatchObject({ status: 'stopped', checkpointEpoch: 1, sweep: { id: done.id, trial: 2 } })

    // More epochs for the finished trial: its run goes on from epoch 3 to 5.
    await sweeps.extend(done.id, 1, 5)
    const extended = await sweeps.waitFor(done.id)
    expect(extended.status).toBe('completed')
    expect(extended.trials[0]).toMatchObject({ state: 'completed', epochs: 5, runId: good.runId })
    expect(extended.trials[0].values.slice(0, 3)).toEqual(good.values)
    expect((await runs.get(good.runId!)).metrics.map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5])
    expect(extended.trials[1].state).toBe('pruned')
    await expect(sweeps.extend(done.id, 1, 4)).rejects.toThrow(
      'Trial 1 already trains for 5 epochs; give it more.',
    )
  })

  it('stops with its trials kept where they are, and resumes them from their checkpoints', async () => {
    const { runs, sweeps } = await setup()
    const started = await sweeps.start(grid({ base: { ...grid().base, epochs: 4 } }))
    // Stopped once its first trial has an epoch behind it.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if ((sweeps.current(started.id)?.trials[0]?.values.length ?? 0) >= 1) {
          clearInterval(timer)
          resolve()
        }
      }, 50)
    })
    const stopped = await sweeps.stop(started.id)
    expect(stopped.status).toBe('stopped')
    expect(stopped.trials.map((t) => t.state)).toEqual(['stopped'])
    const epochsAtStop = stopped.trials[0].values.length

    const resumed = await sweeps.resume(started.id)
    expect(resumed.status).toBe('running')
    const done = await sweeps.waitFor(started.id)
    expect(done.trials.map((t) => [t.state, t.values.length])).toEqual([
      ['completed', 4],
      ['completed', 4],
    ])
    const first = await runs.get(done.trials[0].runId!)
    expect(first.metrics.map((m) => m.epoch)).toEqual([1, 2, 3, 4])
    expect(first.metrics.slice(0, epochsAtStop).map((m) => m.valLoss)).toEqual(stopped.trials[0].values)
  })
})
