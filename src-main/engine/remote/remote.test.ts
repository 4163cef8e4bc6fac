/**
 * Workers on other machines, played by separate processes with separate homes on a real
 * redis-server (Debian's, on a free loopback port, password required, append-only file on): the
 * app (this process, with its own home) enqueues runs and collects them; each must end in the
 * app's run folder exactly as the same run trained here ends, whatever happens to the workers
 * and to Redis meanwhile.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { EventPayload } from '@common/contract'
import { checkpointDefect } from '../run-files/checkpoint-check'
import { checkpointFolder } from '../run-files/checkpoint-paths'
import { runPaths } from '../run-files/paths'
import { writeBarDataset } from '../train/test-data'
import { barRunConfig, managerOnFreshHome, managerOnHome, runOutcome, type Event } from '../runs/test-helpers'
import { KEY_PREFIX, RUN_QUEUE, runKeys } from './keys'
import { killWorkers, startRedis, startWorker, type RedisServer, type WorkerProcess } from './redis.fixtures'
import { redisOptions } from './redis-url'

const PASSWORD = 'test-secret-9f3a'
const EPOCHS = 4

let root = ''
let dataFolder = ''
let redis: RedisServer
/** What the same run leaves when trained here without interruption. */
let reference: Awaited<ReturnType<typeof runOutcome>>

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-remote-'))
  // 600 images in batches of 30: 20 steps an epoch, long enough to be interrupted mid-run.
  dataFolder = await writeBarDataset(join(root, 'bars'), 600, 100)
  redis = await startRedis(PASSWORD)
  const { manager, home } = await managerOnFreshHome(root)
  const run = await manager.start(config())
  expect((await manager.waitFor(run.id)).status).toBe('completed')
  reference = await runOutcome(home, run.id, EPOCHS)
}, 120_000)

afterAll(async () => {
  killWorkers()
  await redis?.stop()
})

const config = () => barRunConfig(dataFolder, { epochs: EPOCHS })

/** Each test its own Redis database: workers a test leaves behind never take another's runs. */
let database = 0
const url = () => `${redis.url}/${database}`
beforeEach(() => {
  database++
})

/** The app: a RunManager on a fresh home (or `home`) whose runs train on the workers, recording what it emits and logs. */
async function app(home?: string) {
  const logged: string[] = []
  const app = managerOnHome(home ?? (await mkdtemp(join(root, 'app-'))), {
    redisUrl: () => url(),
    log: (line) => logged.push(line),
  })
  return { ...app, runs: app.manager, logged }
}

const epochOf = (id: string, epoch: number) => (e: Event) =>
  e.channel === 'runs.epoch' &&
  (e.payload as EventPayload<'runs.epoch'>).runId === id &&
  (e.payload as EventPayload<'runs.epoch'>).metrics.epoch >= epoch

async function workerIn(name: string): Promise<WorkerProcess> {
  const worker = startWorker(url(), await mkdtemp(join(root, `worker-${name}-`)), name)
  await worker.printed('takes runs from')
  return worker
}

async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill('SIGTERM')
  await worker.exited()
}

/** The run's folder in the app's home: exactly the reference run's lines, weights and optimizer state. */
async function expectComplete(home: string, id: string) {
  const result = await runOutcome(home, id, EPOCHS)
  expect(result.lines).toEqual(reference.lines)
  expect(result.checkpoints).toEqual(reference.checkpoints)
  expect(result.weights.equals(reference.weights)).toBe(true)
  expect(result.optimizer.equals(reference.optimizer)).toBe(true)
  expect(await checkpointDefect(checkpointFolder(runPaths(home, id).checkpoints, EPOCHS))).toBeNull()
}

// Separate processes start and train: on a busy machine a test takes minutes, never asserted on.
describe('runs trained by workers through Redis', { timeout: 300_000 }, () => {
  it('a run ends complete in the app folder, every epoch once, collected by the app started again after it closed', async () => {
    const worker = await workerIn('alpha')
    const first = await app()
    const started = await first.runs.start(config())
    expect(started.status).toBe('queued')
    await first.next(epochOf(started.id, 1))
    // The live epoch carries the validation counts per class, as the run trained here records them.
    const live = first.events.find(epochOf(started.id, 1))!.payload as EventPayload<'runs.epoch'>
    const recorded = reference.lines.find((l) => l.type === 'epoch' && l.epoch === 1)
    expect(live.metrics.valPerClass?.total).toHaveLength(10)
    expect(live.metrics.valPerClass).toEqual(recorded?.valPerClass)
    await first.runs.shutdown()
    await worker.printed(`Run ${started.id} completed.`)
    const { home, runs, logged } = await app(first.home)
    try {
      // On the queue still: a resume would enqueue it twice; collecting it is what it needs.
      await expect(runs.resume(started.id)).rejects.toThrow(
        `Run ${started.id} is on the workers' queue (last on alpha): it is collected from there, not resumed.`,
      )
      expect(await runs.collectRemoteRuns()).toEqual([started.id])
      const final = await runs.waitFor(started.id)
      expect(final.status).toBe('completed')
      expect(final.worker).toEqual({ name: 'alpha', host: hostname() })
      expect(final.checkpointEpoch).toBe(EPOCHS)
      expect(final.summary?.epochs).toBe(EPOCHS)
      expect(final.summary?.testAccuracy).not.toBeNull()
      await expectComplete(home, started.id)
      // No password anywhere: run.json, the worker's output, the app's log.
      const recordText = await readFile(runPaths(home, started.id).record, 'utf8')
      for (const text of [recordText, worker.output(), [...first.logged, ...logged].join('\n')])
        expect(text).not.toContain(PASSWORD)
      expect(worker.output()).toContain(`redis://:***@127.0.0.1:${redis.port}/${database}`)
      // Collected to its end, the run leaves nothing in Redis.
      const client = new Redis(redisOptions(url()))
      const keys = runKeys(started.id)
      expect(await client.exists(keys.events, keys.artifact)).toBe(0)
      client.disconnect()
    } finally {
      await runs.shutdown()
      await stopWorker(worker)
    }
  })

  it('kill -9 of a worker mid-run: another takes the run from its last checkpoint, no epoch lost or repeated', async () => {
    const workers = [await workerIn('one'), await workerIn('two')]
    const { home, runs, events } = await app()
    try {
      const started = await runs.start(config())
      await collected(home, started.id, 1)
      const victim = workers.find((w) => w.output().includes(`Took run ${started.id}`))!
      expect(await recordedWorker(home, started.id)).toBe(victim === workers[0] ? 'one' : 'two')
      victim.process.kill('SIGKILL')
      const final = await runs.waitFor(started.id)
      expect(final.status).toBe('completed')
      const survivor = workers.find((w) => w !== victim)!
      expect(final.worker?.name).toBe(survivor === workers[0] ? 'one' : 'two')
      expect(survivor.output()).toMatch(
        new RegExp(`Took run ${started.id} \\(.*\\) from epoch [2-${EPOCHS}]\\.`),
      )
      await expectComplete(home, started.id)
      // The live view saw every epoch (one the dead worker finished but never sent back comes twice).
      const seen = events
        .filter((e) => e.channel === 'runs.epoch')
        .map((e) => (e.payload as EventPayload<'runs.epoch'>).metrics.epoch)
      expect(new Set(seen)).toEqual(new Set(Array.from({ length: EPOCHS }, (_, i) => i + 1)))
    } finally {
      await runs.shutdown()
      for (const w of workers) await stopWorker(w)
    }
  })

  it('SIGTERM hands the run back to the queue, resumable: the next worker continues it', async () => {
    const first = await workerIn('leaving')
    const { home, runs, next } = await app()
    try {
      const started = await runs.start(config())
      await collected(home, started.id, 1)
      first.process.kill('SIGTERM')
      expect(await first.exited()).toBe(0)
      await next(
        (e) => e.channel === 'runs.status' && (e.payload as EventPayload<'runs.status'>).status === 'queued',
      )
      const second = await workerIn('arriving')
      try {
        const final = await runs.waitFor(started.id)
        expect(final.status).toBe('completed')
        expect(final.worker?.name).toBe('arriving')
        expect(second.output()).toMatch(
          new RegExp(`Took run ${started.id} \\(.*\\) from epoch [2-${EPOCHS}]\\.`),
        )
        await expectComplete(home, started.id)
      } finally {
        await stopWorker(second)
      }
    } finally {
      await runs.shutdown()
    }
  })

  it('Redis restarted mid-run (append-only file on): worker and app reconnect, nothing is lost', async () => {
    const worker = await workerIn('steady')
    const { home, runs, next } = await app()
    try {
      const started = await runs.start(config())
      await next(epochOf(started.id, 1))
      await redis.stop()
      await new Promise((r) => setTimeout(r, 1000))
      await redis.start()
      const final = await runs.waitFor(started.id)
      expect(final.status).toBe('completed')
      await expectComplete(home, started.id)
      expect(worker.output()).toContain('Redis is reachable again.')
    } finally {
      await runs.shutdown()
      await stopWorker(worker)
    }
  })

  it('the app lists the worker with its backend and run, stops the run there keeping its epochs, and resumes it there from its checkpoint', async () => {
    const worker = await workerIn('listed')
    const { home, runs } = await app()
    try {
      const started = await runs.start(config())
      await collected(home, started.id, 1)
      // The worker announces a run as it takes it and its backend as the trainer reports it.
      let beat = (await runs.workers()).find((w) => w.name === 'listed')
      while (!beat?.runs.includes(started.id) || beat.backend !== 'cpu') {
        const { record } = await runs.get(started.id, { batches: false })
        expect(record.status, 'the run ended before the worker listed it').toBe('running')
        await new Promise((r) => setTimeout(r, 200))
        beat = (await runs.workers()).find((w) => w.name === 'listed')
      }
      expect(beat).toMatchObject({ host: hostname(), device: expect.any(String), concurrency: 1 })
      const final = await runs.stop(started.id)
      expect(final.status).toBe('stopped')
      expect(final.checkpointEpoch).toBeGreaterThanOrEqual(1)
      const lines = (await runOutcome(home, started.id, final.checkpointEpoch)).lines
      const epochs = lines.filter((l) => l.type === 'epoch').map((l) => l.epoch)
      expect(epochs).toEqual(Array.from({ length: final.checkpointEpoch }, (_, i) => i + 1))
      expect(lines).toEqual(reference.lines.slice(0, lines.length))
      // Resumed through the queue: the worker (which kept no copy) goes on from the app's checkpoint.
      await runs.resume(started.id)
      const resumed = await runs.waitFor(started.id)
      expect(resumed.status).toBe('completed')
      expect(worker.output()).toContain(
        `Took run ${started.id} (${started.name}) from epoch ${final.checkpointEpoch + 1}.`,
      )
      await expectComplete(home, started.id)
    } finally {
      await runs.shutdown()
      await stopWorker(worker)
    }
  })

  it('stopping a run whose only worker was killed ends it stopped once its job is free, its epochs kept, resumable on the next worker', async () => {
    const victim = await workerIn('killed')
    const { home, runs } = await app()
    let next: WorkerProcess | null = null
    try {
      const started = await runs.start(config())
      await collected(home, started.id, 1)
      victim.process.kill('SIGKILL')
      await victim.exited()
      // No worker is left to find the job stalled: the stop takes it back once the dead worker's
      // lock lapses (2 s with these workers), instead of waiting for some worker to come.
      const final = await runs.stop(started.id)
      expect(final.status).toBe('stopped')
      expect(final.checkpointEpoch).toBeGreaterThanOrEqual(1)
      const lines = (await runOutcome(home, started.id, final.checkpointEpoch)).lines
      expect(lines).toEqual(reference.lines.slice(0, lines.length))
      const queue = new Queue(RUN_QUEUE, { connection: redisOptions(url()), prefix: KEY_PREFIX })
      expect(await queue.getJobState(started.id)).toBe('unknown')
      await queue.close()
      next = await workerIn('next')
      await runs.resume(started.id)
      expect((await runs.waitFor(started.id)).status).toBe('completed')
      expect(next.output()).toContain(`from epoch ${final.checkpointEpoch + 1}.`)
      await expectComplete(home, started.id)
    } finally {
      await runs.shutdown()
      if (next) await stopWorker(next)
    }
  })

  it('a job whose payload does not match the contract is refused by the worker and failed in the app', async () => {
    const { runs } = await app()
    const queue = new Queue(RUN_QUEUE, { connection: redisOptions(url()), prefix: KEY_PREFIX })
    const worker = { current: null as WorkerProcess | null }
    try {
      const started = await runs.start(config())
      const job = await enqueued(queue, started.id)
      await job.updateData({ ...job.data, config: { ...job.data.config, epochs: -3 } })
      // Valid, but its data set is not on the worker (no uploaded copy named): refused with the
      // engine's sentence, not retried.
      const elsewhere = await runs.start(config())
      const other = await enqueued(queue, elsewhere.id)
      const missing = join(root, 'not-on-this-worker')
      const { folder, ...withoutFolder } = other.data as Record<string, unknown>
      expect(folder).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
      await other.updateData({
        ...withoutFolder,
        config: { ...other.data.config, dataset: { kind: 'folder', path: missing } },
      })
      worker.current = await workerIn('strict')
      const final = await runs.waitFor(started.id)
      expect(final.status).toBe('failed')
      expect(final.error).toMatch(/^The job's payload does not match the run contract: config\.epochs: .+\.$/)
      // The worker tells the app first, then BullMQ moves the job: its state may lag a moment.
      await expect.poll(() => queue.getJobState(started.id), { timeout: 10_000 }).toBe('failed')
      // Its log line comes through the worker's stdout pipe, which may trail the Redis event.
      await expect
        .poll(() => worker.current!.output(), { timeout: 10_000 })
        .toContain(`Refused job ${started.id}`)
      const refused = await runs.waitFor(elsewhere.id)
      expect(refused.status).toBe('failed')
      expect(refused.error).toContain(missing)
      await expect.poll(() => queue.getJobState(elsewhere.id), { timeout: 10_000 }).toBe('failed')
    } finally {
      await runs.shutdown()
      await queue.close()
      if (worker.current) await stopWorker(worker.current)
    }
  })
})

/** The run's job, once the app has put it on the queue (its data set uploaded first). */
async function enqueued(queue: Queue, id: string) {
  for (;;) {
    const job = await queue.getJob(id)
    if (job) return job
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Resolves once the app's folder of the run holds the checkpoint of `epoch`. */
async function collected(home: string, id: string, epoch: number): Promise<void> {
  for (;;) {
    const record = JSON.parse(await readFile(runPaths(home, id).record, 'utf8')) as {
      checkpointEpoch: number
    }
    if (record.checkpointEpoch >= epoch) return
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The worker name run.json records. */
async function recordedWorker(home: string, id: string): Promise<string | undefined> {
  const record = JSON.parse(await readFile(runPaths(home, id).record, 'utf8')) as {
    worker?: { name: string }
  }
  return record.worker?.name
}
