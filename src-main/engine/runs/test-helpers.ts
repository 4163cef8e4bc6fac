/**
 * Test helpers of the run tests: a RunManager on a fresh home that records its events, a run
 * configuration over a small bar data set, and the figures of metrics.jsonl lines to compare.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import type { EpochMetrics, EventChannel, EventPayload, RunStatus } from '@common/contract'
import type { BatchSample } from '@common/run-record'
import { runConfigSchema, type RunConfigInput } from '@common/schemas'
import { TINY_ARCHITECTURE, writeBarDataset } from '../train/test-data'
import { checkpointFolder } from '../run-files/checkpoint-paths'
import { runPaths } from '../run-files/paths'
import { RunManager, type RunManagerOptions } from './run-manager'

/**
 * A throwaway folder for the file's tests, holding a bar data set (300 training and 100 test
 * images); made before the tests, removed after them. Read its fields inside the tests.
 */
export function useBarDataRoot(prefix: string): { root: string; dataFolder: string } {
  const where = { root: '', dataFolder: '' }
  beforeAll(async () => {
    where.root = await mkdtemp(join(tmpdir(), prefix))
    where.dataFolder = await writeBarDataset(join(where.root, 'bars'), 300, 100)
  })
  afterAll(async () => {
    await rm(where.root, { recursive: true, force: true })
  })
  return where
}

export type Event = { [E in EventChannel]: { channel: E; payload: EventPayload<E> } }[EventChannel]

/** A manager on a fresh home under `root`, recording every event; `next` resolves on a matching one. */
export async function managerOnFreshHome(root: string, options: Partial<RunManagerOptions> = {}) {
  return managerOnHome(await mkdtemp(join(root, 'home-')), options)
}

/** A manager on `home` (a second one on a home, as another process would have), recording every event. */
export function managerOnHome(home: string, options: Partial<RunManagerOptions> = {}) {
  const events: Event[] = []
  const waiters: { test: (e: Event) => boolean; resolve: () => void }[] = []
  const manager = new RunManager({
    home,
    ...options,
    emit: (channel, payload) => {
      const event = { channel, payload } as Event
      events.push(event)
      for (const w of waiters.filter((w) => w.test(event))) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
    },
  })
  const next = (test: (e: Event) => boolean) =>
    events.some(test) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ test, resolve }))
  return { home, manager, events, next }
}

/** A run of the tiny network over the bar images in `dataFolder`: 2 epochs of 10 batches, on cpu. */
export function barRunConfig(dataFolder: string, overrides: RunConfigInput = {}) {
  return runConfigSchema.parse({
    dataset: { kind: 'folder', path: dataFolder },
    architecture: TINY_ARCHITECTURE,
    epochs: 2,
    batchSize: 30,
    learningRate: 0.01,
    seed: 3,
    backend: 'cpu',
    // Validated on the test set, as before the split existed: 10 batches of 30 an epoch.
    validationSplit: 0,
    ...overrides,
  })
}

/** An epoch's figures, its per-class counts included, without its timings (which differ from run to run). */
export const figures = (m: EpochMetrics) => [
  m.epoch,
  m.trainLoss,
  m.trainAccuracy,
  m.valLoss,
  m.valAccuracy,
  m.valPerClass,
]

export type Line = EpochMetrics | BatchSample

/** The lines of a run's metrics.jsonl, parsed. */
export async function parsedLines(home: string, id: string): Promise<Line[]> {
  const text = await readFile(runPaths(home, id).metrics, 'utf8')
  return text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Line)
}

/** A line's figures, without its timings. */
export const lineFigures = (l: Line) =>
  l.type === 'epoch' ? figures(l) : [l.epoch, l.batch, l.step, l.loss, l.accuracy]

/** The statuses a run went through, from its status events in order. */
export const statuses = (events: Event[], runId: string): RunStatus[] =>
  events.flatMap((e) => (e.channel === 'runs.status' && e.payload.runId === runId ? [e.payload.status] : []))

/** The run ids of the home's queue.json, in order. */
export async function queueFileRunIds(home: string): Promise<string[]> {
  const text = await readFile(join(home, 'queue.json'), 'utf8')
  return (JSON.parse(text) as { entries: { runId: string }[] }).entries.map((e) => e.runId)
}

/** What a finished run of `epochs` left: its metrics lines (timings dropped), final weights and optimizer state. */
export async function runOutcome(home: string, id: string, epochs: number) {
  const paths = runPaths(home, id)
  const lines = (await readFile(paths.metrics, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((line) => {
      const { elapsedMs, time, samplesPerSec, ...figures } = JSON.parse(line) as Record<string, unknown>
      void [elapsedMs, time, samplesPerSec]
      return figures
    })
  const folder = checkpointFolder(paths.checkpoints, epochs)
  return {
    lines,
    checkpoints: await readdir(paths.checkpoints),
    weights: await readFile(join(folder, 'weights.bin')),
    optimizer: await readFile(join(folder, 'optimizer.bin')),
  }
}
