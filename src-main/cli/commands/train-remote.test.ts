/**
 * `train --redis URL` and `worker --redis URL` as a person runs them: two processes of the CLI
 * on one redis-server (Debian's, on a free loopback port, a password required), separate homes.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killWorkers, startRedis, startWorker, type RedisServer } from '../../engine/remote/redis.fixtures'
import { runPaths } from '../../engine/runs'
import { TINY_ARCHITECTURE, writeBarDataset } from '../../engine/train/test-data'
import { runCli } from './testing'

let root = ''
let data = ''
let redis: RedisServer

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-train-remote-'))
  data = await writeBarDataset(join(root, 'bars'), 300, 100)
  redis = await startRedis('cli-secret-77')
})

afterAll(async () => {
  killWorkers()
  await redis?.stop()
  await rm(root, { recursive: true, force: true })
})

describe('train --redis', { timeout: 300_000 }, () => {
  it('trains on a worker and records the run here, with the worker and without the password', async () => {
    const home = await mkdtemp(join(root, 'app-'))
    const worker = startWorker(redis.url, await mkdtemp(join(root, 'worker-')), 'cli-worker')
    await worker.printed('takes runs from')
    const tiny = ['--dataset', data, '--architecture', JSON.stringify(TINY_ARCHITECTURE), '--epochs', '2']
    const result = await runCli(['train', '--redis', redis.url, '--home', home, '--backend', 'cpu', ...tiny])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain(
      `Queued on redis://:***@127.0.0.1:${redis.port}: the first free worker takes it.`,
    )
    expect(result.stdout).toContain('Training on worker cli-worker')
    expect(result.stdout).toMatch(/epoch 2\/2: training loss/)
    const id = /Completed run (\S+):/.exec(result.stdout)![1]
    const record = await readFile(runPaths(home, id).record, 'utf8')
    expect(JSON.parse(record)).toMatchObject({
      status: 'completed',
      checkpointEpoch: 2,
      worker: { name: 'cli-worker' },
    })
    for (const text of [record, result.stdout, result.stderr]) expect(text).not.toContain('cli-secret-77')
  })

  it('refuses a URL that is not a Redis URL, and --resume of a run that is not there, writing nothing', async () => {
    const home = await mkdtemp(join(root, 'refused-'))
    const bad = await runCli(['train', '--redis', 'http://:pw@host:1', '--home', home, '--dataset', data])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toBe('The Redis URL must start with redis:// or rediss://, not http://.')
    const resume = await runCli(['train', '--redis', redis.url, '--home', home, '--resume', 'x'])
    expect(resume.code).toBe(2)
    expect(resume.stderr.trim()).toBe('There is no run x.')
    const worker = await runCli(['worker', '--home', home])
    expect(worker.code).toBe(2)
    expect(worker.stderr.trim()).toBe('A worker needs --redis URL, the Redis server of the queue.')
    expect(existsSync(join(home, 'runs'))).toBe(false)
  })
})
