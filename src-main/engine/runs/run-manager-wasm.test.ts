/**
 * RunManager with real training processes on the shipped default: the wasm backend with 2
 * data-parallel replicas. A run killed with SIGKILL, at an epoch boundary or in the middle of a
 * checkpoint write, resumes to the metrics of an uninterrupted run line for line; a replica that
 * throws, dies or hangs fails the run with its reason in run.json.
 */
import { existsSync, readFileSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import type { RunRecord } from '@common/contract'
import type { RunConfigInput } from '@common/schemas'
import { forkTrainerLaunch, resolveTrainerEntry } from '../train/launch'
import { readLock } from '../process-lock'
import { runPaths } from '../run-files/paths'
import {
  barRunConfig,
  lineFigures,
  managerOnFreshHome,
  parsedLines,
  useBarDataRoot,
  type Line,
} from './test-helpers'

const where = useBarDataRoot('cnn-runs-wasm-')

/** 3 epochs of 10 batches on wasm with 2 replicas, every batch sampled into metrics.jsonl. */
const shipped = (overrides: RunConfigInput = {}) =>
  barRunConfig(where.dataFolder, { backend: 'wasm', replicas: 2, epochs: 3, ...overrides })

let reference: Promise<Line[]> | null = null
/** metrics.jsonl of the uninterrupted run (trained once, on first use). */
function uninterruptedLines(): Promise<Line[]> {
  reference ??= (async () => {
    const { home, manager } = await managerOnFreshHome(where.root)
    const run = await manager.start(shipped())
    expect((await manager.waitFor(run.id)).status).toBe('completed')
    const lines = await parsedLines(home, run.id)
    expect(lines.filter((l) => l.type === 'batch')).toHaveLength(30)
    return lines
  })()
  return reference
}

/** Resumes the killed run and checks it ends as the uninterrupted run, every line once, in order. */
async function resumeToReference(
  manager: Awaited<ReturnType<typeof managerOnFreshHome>>['manager'],
  home: string,
  id: string,
) {
  expect((await manager.resume(id)).status).toBe('running')
  const final = await manager.waitFor(id)
  expect(final).toMatchObject({ status: 'completed', checkpointEpoch: 3 })
  expect((await parsedLines(home, id)).map(lineFigures)).toEqual(
    (await uninterruptedLines()).map(lineFigures),
  )
  expect(await readdir(runPaths(home, id).checkpoints)).toEqual(['epoch-000003'])
}

// Each test forks training processes that start worker threads; on a busy machine that takes a while.
describe('RunManager on wasm with 2 replicas', { timeout: 240_000 }, () => {
  it('resumes a run killed at an epoch boundary to the metrics of the uninterrupted run', async () => {
    const { home, manager, next } = await managerOnFreshHome(where.root)
    const run = await manager.start(shipped())
    await next((e) => e.channel === 'runs.epoch' && e.payload.runId === run.id)
    const { holder } = await readLock(runPaths(home, run.id).lock)
    process.kill(holder!.child!.pid, 'SIGKILL')
    const killed = await manager.waitFor(run.id)
    expect(killed.status).toBe('interrupted')
    expect(killed.backend).toMatchObject({ name: 'wasm', threads: 2 })
    expect(killed.checkpointEpoch).toBeGreaterThanOrEqual(1)
    await resumeToReference(manager, home, run.id)
  })

  it('resumes a run killed in the middle of writing a checkpoint from the one before', async () => {
    const marker = join(where.root, 'paused-in-checkpoint')
    const fixture = pathToFileURL(join(__dirname, '../train/checkpoint-pause.fixtures.ts')).href
    const entry = resolveTrainerEntry()
    const launch = forkTrainerLaunch({ ...entry, execArgv: [...entry.execArgv, '--import', fixture] })
    const { home, manager } = await managerOnFreshHome(where.root, { launch })
    // The forked trainer inherits these: it blocks half-way through epoch 2's checkpoint.
    process.env.PAUSE_IN_CHECKPOINT_EPOCH = '2'
    process.env.PAUSE_IN_CHECKPOINT_MARKER = marker
    let run: RunRecord
    try {
      run = await manager.start(shipped())
      await vi.waitFor(() => expect(existsSync(marker)).toBe(true), { timeout: 200_000, interval: 50 })
    } finally {
      delete process.env.PAUSE_IN_CHECKPOINT_EPOCH
      delete process.env.PAUSE_IN_CHECKPOINT_MARKER
    }
    process.kill(Number(readFileSync(marker, 'utf8')), 'SIGKILL')
    const killed = await manager.waitFor(run.id)
    expect(killed).toMatchObject({ status: 'interrupted', checkpointEpoch: 1 })
    expect(killed.error).toBe('The training process ended unexpectedly (killed).')

    // What the kill left: epoch 1's checkpoint, epoch 2's half-written one beside it, and epoch
    // 2's line in metrics.jsonl (written before its checkpoint).
    const checkpoints = runPaths(home, run.id).checkpoints
    const left = (await readdir(checkpoints)).sort()
    expect(left).toHaveLength(2)
    expect(left[0]).toMatch(/^\.tmp-2-[0-9a-f]+$/)
    expect(left[1]).toBe('epoch-000001')
    expect((await readdir(join(checkpoints, left[0]))).sort()).toEqual(['model.json', 'weights.bin'])
    const lines = await parsedLines(home, run.id)
    expect(lines.filter((l) => l.type === 'epoch').map((l) => l.epoch)).toEqual([1, 2])
    const listed = (await manager.list()).find((item) => item.id === run.id)
    expect(listed).toMatchObject({ damaged: false, record: { status: 'interrupted', checkpointEpoch: 1 } })

    await resumeToReference(manager, home, run.id)
  })

  it.each([
    ['throws', 'throw@3', 'replica 2 of 2 failed: fault injected at step 3 by WORKBENCH_REPLICA_FAULT'],
    ['dies', 'exit@3', 'replica 2 of 2 (a worker thread) ended unexpectedly with code 7'],
    ['hangs', 'hang@3', 'a replica did not deliver its gradients within 5000 ms'],
  ])('fails the run when a replica %s, with the reason in run.json', async (_, fault, reason) => {
    const { home, manager, events } = await managerOnFreshHome(where.root, { replicaStepTimeoutMs: 5000 })
    // Read by the replica's worker thread, in the trainer process forked by start().
    process.env.WORKBENCH_REPLICA_FAULT = fault
    let run: RunRecord
    try {
      run = await manager.start(shipped({ epochs: 2 }))
    } finally {
      delete process.env.WORKBENCH_REPLICA_FAULT
    }
    const final = await manager.waitFor(run.id)
    const sentence = `Training replica failed: ${reason}`
    expect(final).toMatchObject({ status: 'failed', error: sentence, backend: { name: 'wasm', threads: 2 } })
    const paths = runPaths(home, run.id)
    const onDisk = JSON.parse(await readFile(paths.record, 'utf8')) as RunRecord
    expect(onDisk).toMatchObject({ status: 'failed', error: sentence })
    const statuses = events.flatMap((e) => (e.channel === 'runs.status' ? [e.payload] : []))
    expect(statuses.at(-1)).toEqual({ runId: run.id, status: 'failed', error: sentence })
    expect(existsSync(paths.lock)).toBe(false)
  })
})
