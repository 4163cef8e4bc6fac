/**
 * `sweep start --redis URL` as a person runs it: the app (the CLI, a process of its own, its own
 * home) and two workers (processes of their own, separate homes) on one redis-server (Debian's,
 * on a free loopback port). The sweep trains over an image folder, which travels to each worker
 * once; its trials spread over both workers and end complete in the app's home, even when a
 * worker is killed in the middle of one.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '@common/run-record'
import { sweepRecordSchema, type SweepRecord } from '@common/sweep'
import { writeShapesFolder } from '../../engine/data/image-folder.fixtures'
import { killWorkers, startRedis, startWorker, type RedisServer } from '../../engine/remote/redis.fixtures'
import { checkpointDefect } from '../../engine/run-files/checkpoint-check'
import { checkpointFolder } from '../../engine/run-files/checkpoint-paths'
import { runPaths } from '../../engine/runs'
import { TINY_ARCHITECTURE } from '../../engine/train/test-data'
import { startCliProcess } from './testing'

let root = ''
let shapes = ''
let redis: RedisServer

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-sweep-remote-'))
  // 3 classes of 30 coloured shapes, 12 pixels a side: 72 training images, 18 test images.
  shapes = await writeShapesFolder(join(root, 'shapes'), { perClass: 30, width: 12 })
  redis = await startRedis()
})

afterAll(async () => {
  killWorkers()
  await redis?.stop()
  await rm(root, { recursive: true, force: true })
})

/** Writes a random sweep of the tiny network over the shapes folder; returns the file. */
async function sweepFile(name: string, fields: { run_cap: number; concurrency: number; epochs: number }) {
  const file = join(root, `${name}.json`)
  const { epochs, ...rest } = fields
  const sweep = {
    base: {
      dataset: { kind: 'folder', path: shapes, inputSize: 12 },
      architecture: TINY_ARCHITECTURE,
      epochs,
      batchSize: 4,
      backend: 'cpu',
      replicas: 1,
      validationSplit: 0,
    },
    method: 'random',
    metric: { name: 'val_accuracy', goal: 'maximize' },
    parameters: { learningRate: { distribution: 'log_uniform', min: 0.003, max: 0.03 } },
    seed: 5,
    ...rest,
  }
  await writeFile(file, JSON.stringify(sweep))
  return file
}

/** Two workers on database `db` of the server, each with a home of its own, listening. */
async function twoWorkers(db: number, names: [string, string]) {
  const url = `${redis.url}/${db}`
  const workers = await Promise.all(
    names.map(async (name) => startWorker(url, await mkdtemp(join(root, `worker-${name}-`)), name)),
  )
  await Promise.all(workers.map((w) => w.printed('takes runs from')))
  return { url, workers }
}

async function readRecord(home: string, runId: string): Promise<RunRecord> {
  return JSON.parse(await readFile(runPaths(home, runId).record, 'utf8')) as RunRecord
}

async function readSweep(home: string, output: string): Promise<SweepRecord> {
  const id = /^Sweep (\S+) \(/m.exec(output)![1]
  return sweepRecordSchema.parse(JSON.parse(await readFile(join(home, 'sweeps', id, 'sweep.json'), 'utf8')))
}

/** The epochs of the run's metrics.jsonl, in file order. */
async function epochsOf(home: string, runId: string): Promise<number[]> {
  return (await readFile(runPaths(home, runId).metrics, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; epoch: number })
    .filter((line) => line.type === 'epoch')
    .map((line) => line.epoch)
}

/** The run's folder in the app's home is complete: run.json completed, each epoch once, its checkpoint whole. */
async function expectComplete(home: string, runId: string, epochs: number): Promise<RunRecord> {
  const record = await readRecord(home, runId)
  expect(record).toMatchObject({ status: 'completed', checkpointEpoch: epochs, remote: true })
  expect(await epochsOf(home, runId)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1))
  expect(await checkpointDefect(checkpointFolder(runPaths(home, runId).checkpoints, epochs))).toBeNull()
  return record
}

// Separate processes start and train: on a busy machine a test takes a while, never asserted on.
describe('sweep --redis', { timeout: 240_000 }, () => {
  it('a sweep of 6 trials trains on two workers, its folder data set sent once to each, every run complete here, a trial extended there', async () => {
    const { url, workers } = await twoWorkers(1, ['north', 'south'])
    const home = await mkdtemp(join(root, 'app-'))
    const file = await sweepFile('six', { run_cap: 6, concurrency: 2, epochs: 2 })
    const app = startCliProcess(['sweep', 'start', file, '--redis', url, '--home', home])
    expect(await app.exited, app.output()).toBe(0)
    expect(app.output()).toMatch(/^Sweep \S+ completed: 6 of 6 trials \(6 completed\)/m)
    const sweep = await readSweep(home, app.output())
    const where = new Set<string>()
    for (const trial of sweep.trials) {
      expect(trial.state).toBe('completed')
      const record = await expectComplete(home, trial.runId!, 2)
      expect(record.sweep).toEqual({ id: sweep.id, trial: trial.number })
      // The app's own folder stays recorded, not the worker's copy.
      expect(record.config.dataset).toMatchObject({ kind: 'folder', path: shapes })
      where.add(record.worker!.name)
    }
    expect(where).toEqual(new Set(['north', 'south']))
    // The folder travelled once to each worker, however many of its trials it trained.
    for (const worker of workers)
      expect(worker.output().match(/Fetched data set [0-9a-f]{12} into /g)).toHaveLength(1)
    // A trial given more epochs goes on on a worker from the app's checkpoint (as ASHA promotes one).
    const trial = sweep.trials[0]
    const extend = startCliProcess([
      'sweep',
      'extend',
      sweep.id,
      String(trial.number),
      '3',
      '--redis',
      url,
      '--home',
      home,
    ])
    expect(await extend.exited, extend.output()).toBe(0)
    expect(workers.map((w) => w.output()).join('')).toMatch(
      new RegExp(`Took run ${trial.runId} \\(.*\\) from epoch 3\\.`),
    )
    await expectComplete(home, trial.runId!, 3)
    for (const worker of workers) worker.process.kill('SIGTERM')
    await Promise.all(workers.map((w) => w.exited()))
  })

  it('kill -9 of the worker training a trial: the other finishes it, each epoch exactly once', async () => {
    const { url, workers } = await twoWorkers(2, ['east', 'west'])
    const home = await mkdtemp(join(root, 'app-'))
    const file = await sweepFile('killed', { run_cap: 1, concurrency: 1, epochs: 4 })
    const app = startCliProcess(['sweep', 'start', file, '--redis', url, '--home', home])
    await app.waitFor(/^Sweep \S+ \(/m)
    // Killed once its first checkpoint reached the app: the other worker goes on from there.
    let runId: string | null = null
    while (runId === null || (await readRecord(home, runId)).checkpointEpoch < 1) {
      await new Promise((r) => setTimeout(r, 50))
      runId = (await readSweep(home, app.output())).trials[0]?.runId ?? null
    }
    const victim = (await readRecord(home, runId)).worker!.name
    workers.find((w) => w.output().includes(`Took run ${runId}`))!.process.kill('SIGKILL')
    expect(await app.exited, app.output()).toBe(0)
    const record = await expectComplete(home, runId, 4)
    const survivor = victim === 'east' ? 'west' : 'east'
    expect(record.worker?.name).toBe(survivor)
    const other = workers.find((w) => w.output().includes('Worker ' + survivor))!
    expect(other.output()).toMatch(new RegExp(`Took run ${runId} \\(.*\\) from epoch [2-4]\\.`))
    other.process.kill('SIGTERM')
    await other.exited()
  })
})
