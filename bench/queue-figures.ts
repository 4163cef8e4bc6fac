/**
 * Figures of the workers' queue (`npx tsx bench/queue-figures.ts [--jobs N]`), on a redis-server
 * started here on a loopback port: jobs per second through BullMQ (each job one fenced event
 * write, as a worker makes, and no training), and per run of the notebook's network the artifact
 * bytes an epoch sends and the Redis memory its keys take (a checkpoint saved by the trainer's own
 * code, after one Adam step; 50 epochs of metrics lines as the trainer samples them).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { NOTEBOOK_ARCHITECTURE } from '@common/schemas'
import { activateBackend } from '../src-main/engine/backend'
import { buildModel } from '../src-main/engine/model/build-model'
import { runPaths } from '../src-main/engine/run-files/paths'
import { snapshotRun } from '../src-main/engine/remote/artifact'
import { KEY_PREFIX, runKeys } from '../src-main/engine/remote/keys'
import { startRedis } from '../src-main/engine/remote/redis.fixtures'
import { redisOptions } from '../src-main/engine/remote/redis-url'
import { RunChannel } from '../src-main/engine/remote/run-channel'
import { saveCheckpoint } from '../src-main/engine/train/checkpoint'
import { createOptimizer } from '../src-main/engine/train/optimizer'
import { MetricsAppender } from '../src-main/engine/run-files/metrics'
import { describeMachine } from './machine'

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '2000' } } })
const JOBS = Number(values.jobs)

async function throughput(url: string): Promise<number> {
  const connection = redisOptions(url)
  const queue = new Queue('figures', { connection, prefix: KEY_PREFIX })
  const redis = new Redis(connection)
  await queue.addBulk(
    Array.from({ length: JOBS }, (_, i) => ({
      name: 'train',
      data: { i },
      opts: { jobId: `job-${i}`, removeOnComplete: true },
    })),
  )
  const start = performance.now()
  let done = 0
  let allDone!: () => void
  const finished = new Promise<void>((resolve) => (allDone = resolve))
  const worker = new Worker(
    'figures',
    async (job, token) => {
      const lock = `${KEY_PREFIX}:figures:${job.id}:lock`
      await new RunChannel(redis, `job-${job.data.i}`, lock, token ?? '').event({
        type: 'status',
        status: 'running',
      })
      if (++done === JOBS) allDone()
    },
    { connection, prefix: KEY_PREFIX, concurrency: 50 },
  )
  await finished
  await worker.close()
  const perSecond = JOBS / ((performance.now() - start) / 1000)
  await queue.close()
  redis.disconnect()
  return perSecond
}

async function artifactFigures(url: string) {
  await activateBackend('cpu')
  const home = await mkdtemp(join(tmpdir(), 'figures-'))
  const paths = runPaths(home, 'notebook')
  const model = buildModel(NOTEBOOK_ARCHITECTURE, [28, 28, 1], 10, 1)
  const optimizer = createOptimizer({ optimizer: 'adam', learningRate: 1e-4, momentum: 0 })
  // One step, so the optimizer holds its moments as it does from the first epoch on.
  optimizer.minimize(() => tf.mean(tf.square(model.apply(tf.zeros([1, 28, 28, 1])) as tf.Tensor)))
  const state = { rng: [1, 2, 3, 4] as [number, number, number, number], elapsedMs: 1, optimizer: 'adam' }
  const appender = new MetricsAppender(paths.metrics)
  const redis = new Redis(redisOptions(url))
  const sizes: number[] = []
  await mkdir(paths.checkpoints, { recursive: true })
  for (let epoch = 1; epoch <= 50; epoch++) {
    // The trainer's sampling of the notebook's 600 batches: at most 200 an epoch, and the last.
    for (let b = 1; b <= 200; b++)
      appender.appendBatch({
        type: 'batch',
        epoch,
        batch: b * 3,
        step: (epoch - 1) * 600 + b * 3,
        loss: 0.0123456,
        accuracy: 0.987654,
        elapsedMs: 123456,
      })
    await appender.appendEpoch({
      type: 'epoch',
      epoch,
      trainLoss: 0.01,
      trainAccuracy: 0.99,
      valLoss: 0.02,
      valAccuracy: 0.99,
      samplesPerSec: 700,
      elapsedMs: 100000,
      time: new Date().toISOString(),
    })
    await saveCheckpoint(paths.checkpoints, model, optimizer, { ...state, epoch })
    const snapshot = await snapshotRun(paths)
    sizes.push([...snapshot.files.values()].reduce((sum, b) => sum + b.length, 0))
    await redis.del(runKeys('notebook').artifact)
    const fields = [...snapshot.files].flatMap(([k, v]) => [k, v])
    await redis.hset(runKeys('notebook').artifact, ...fields)
  }
  const memory = Number(await redis.memory('USAGE', runKeys('notebook').artifact))
  redis.disconnect()
  await rm(home, { recursive: true, force: true })
  return { first: sizes[0], last: sizes.at(-1)!, memory }
}

async function main() {
  const server = await startRedis()
  try {
    const perSecond = await throughput(server.url)
    const artifact = await artifactFigures(server.url)
    const machine = describeMachine()
    const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`
    process.stdout.write(
      `${machine.cpu}, ${machine.cores} cores\n` +
        `jobs through the queue: ${Math.round(perSecond)} a second (${JOBS} jobs, one worker process, concurrency 50)\n` +
        `artifact sent after an epoch, notebook network: ${mb(artifact.first)} at epoch 1, ${mb(artifact.last)} at epoch 50 (checkpoint + metrics so far)\n` +
        `Redis memory of a run's artifact at epoch 50: ${mb(artifact.memory)}\n`,
    )
  } finally {
    await server.stop()
  }
}

void main()
