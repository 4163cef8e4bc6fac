/**
 * `train --redis URL` and `worker --redis URL` as a person runs them: two processes of the CLI
 * on one redis-server (Debian's, on a free loopback port, a password required), separate homes;
 * and the same over TLS (rediss://) with a certificate the processes trust as their CA.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  killWorkers,
  makeLoopbackCertificate,
  startRedis,
  startWorker,
  type RedisServer,
} from '../../engine/remote/redis.fixtures'
import { runPaths } from '../../engine/runs'
import { TINY_ARCHITECTURE, writeBarDataset } from '../../engine/train/test-data'
import { runCli, startCliProcess } from './testing'

let root = ''
let data = ''
let redis: RedisServer
let tlsRedis: RedisServer | null = null

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-train-remote-'))
  data = await writeBarDataset(join(root, 'bars'), 300, 100)
  redis = await startRedis('cli-secret-77')
})

afterAll(async () => {
  killWorkers()
  await redis?.stop()
  await tlsRedis?.stop()
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

describe('train --redis rediss://', { timeout: 300_000 }, () => {
  it('trains on a worker over TLS, with a password, the certificate checked by both', async () => {
    const tls = makeLoopbackCertificate(await mkdtemp(join(root, 'tls-')))
    tlsRedis = await startRedis('tls-secret-31', tls)
    expect(tlsRedis.url).toMatch(/^rediss:\/\//)
    // Both processes trust the server's self-signed certificate as a CA, as a site's own CA would be.
    const trust = { NODE_EXTRA_CA_CERTS: tls.cert }
    const worker = startWorker(
      tlsRedis.url,
      await mkdtemp(join(root, 'tls-worker-')),
      'tls-worker',
      [],
      trust,
    )
    await worker.printed('takes runs from')
    const home = await mkdtemp(join(root, 'tls-app-'))
    const tiny = ['--dataset', data, '--architecture', JSON.stringify(TINY_ARCHITECTURE), '--epochs', '1']
    const app = startCliProcess(
      ['train', '--redis', tlsRedis.url, '--home', home, '--backend', 'cpu', ...tiny],
      trust,
    )
    expect(await app.exited, app.output()).toBe(0)
    expect(app.output()).toContain(`Queued on rediss://:***@127.0.0.1:${tlsRedis.port}`)
    expect(app.output()).toContain('Training on worker tls-worker')
    const id = /Completed run (\S+):/.exec(app.output())![1]
    const record = await readFile(runPaths(home, id).record, 'utf8')
    expect(JSON.parse(record)).toMatchObject({ status: 'completed', worker: { name: 'tls-worker' } })
    for (const text of [record, app.output(), worker.output()]) {
      expect(text).not.toContain('tls-secret-31')
      // No warning either (SNI is never given an IP address).
      expect(text).not.toMatch(/Warning/)
    }
  })
})
