/**
 * The Redis setting and the Workers panel's requests, through `dispatch` as every shell calls
 * them, against a real redis-server (password required) and a real worker process.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RedisCheck, WorkersList } from '@common/contract'
import type { Settings } from '@common/schemas'
import {
  freeLoopbackPort,
  killWorkers,
  startRedis,
  startWorker,
  type RedisServer,
} from '../../engine/remote/redis.fixtures'
import { redisOptions } from '../../engine/remote/redis-url'
import { WorkerDirectory } from '../../engine/remote/worker-directory'
import { openConfSettings } from '../../engine/settings/conf-store'
import { dispatch } from '../dispatch'
import { createAppHandlers } from './app'
import { createWorkerHandlers } from './workers'
import type { RequestHandlers } from '@common/contract'

const PASSWORD = 'pw-7d1e!secret'
let redis: RedisServer
let home = ''
let handlers: RequestHandlers
const directory = new WorkerDirectory()

beforeAll(async () => {
  redis = await startRedis(PASSWORD)
  home = await mkdtemp(join(tmpdir(), 'cnn-workers-'))
  const settings = openConfSettings(home, () => undefined)
  handlers = {
    ...createAppHandlers({ home, shell: 'web', settings }),
    ...createWorkerHandlers(settings, directory),
  } as RequestHandlers
}, 30_000)

afterAll(async () => {
  killWorkers()
  directory.close()
  await redis?.stop()
  await rm(home, { recursive: true, force: true })
})

async function ask<T>(channel: string, payload?: unknown): Promise<T> {
  const answer = await dispatch(handlers, channel, payload)
  if (!answer.ok) throw new Error(answer.error.message)
  return answer.value as T
}
const refusal = async (channel: string, payload?: unknown) => {
  const answer = await dispatch(handlers, channel, payload)
  if (answer.ok) throw new Error(`${channel} was accepted`)
  return answer.error
}
const settingsFile = () => readFile(join(home, 'settings.json'), 'utf8')

describe('the Redis setting', () => {
  it('refuses what is not a Redis URL with a sentence naming what is wrong, saving nothing', async () => {
    const before = await settingsFile().catch(() => '')
    for (const [url, says] of [
      [`http://:${PASSWORD}@127.0.0.1:6379`, 'must start with redis:// or rediss://, not http://'],
      ['redis://127.0.0.1:6379/queue', `database must be a number, not "queue"`],
      [`queue server ${PASSWORD}`, 'is not a Redis URL'],
    ]) {
      const error = await refusal('settings.update', { redisUrl: url })
      expect(error.code).toBe('invalid')
      expect(error.field).toBe('redisUrl')
      expect(error.message).toContain(says)
      expect(error.message).not.toContain(PASSWORD)
    }
    expect(await settingsFile().catch(() => '')).toBe(before)
    const masked = await refusal('settings.update', { redisUrl: 'redis://:***@127.0.0.1:6379' })
    expect(masked.message).toBe(
      "The Redis URL's password is ***, which stands for the saved password of the same server, and none is saved for this one; type the password.",
    )
  })

  it('saves a URL with its password and never shows the password back', async () => {
    const shown = await ask<Settings>('settings.update', { redisUrl: redis.url })
    expect(shown.redisUrl).toBe(`redis://:***@127.0.0.1:${redis.port}`)
    expect((await ask<Settings>('settings.get')).redisUrl).toBe(shown.redisUrl)
    expect(await settingsFile()).toContain(encodeURIComponent(PASSWORD))
    // The form sends the whole document back with each change: the masked URL keeps the password.
    await ask('settings.update', { ...shown, theme: 'dark' })
    expect(await settingsFile()).toContain(encodeURIComponent(PASSWORD))
    expect((await ask<RedisCheck>('workers.testConnection', {})).redis).toBe(shown.redisUrl)
    // Another database with the saved password, typed with the mask.
    const other = await ask<Settings>('settings.update', {
      redisUrl: `redis://:***@127.0.0.1:${redis.port}/3`,
    })
    expect(other.redisUrl).toBe(`redis://:***@127.0.0.1:${redis.port}/3`)
    expect(await settingsFile()).toContain(`${encodeURIComponent(PASSWORD)}@127.0.0.1:${redis.port}/3`)
    await ask('settings.update', { redisUrl: redis.url })
    // The mask never carries the saved password to another server.
    const elsewhere = await refusal('workers.testConnection', { url: 'redis://:***@127.0.0.2:6379' })
    expect(elsewhere).toMatchObject({ code: 'invalid', field: 'url' })
    expect(elsewhere.message).toContain('none is saved for this one')
  })
})

describe('workers.testConnection', () => {
  it('says Redis answered, with its version and eviction policy, and warns when it is not noeviction', async () => {
    const version = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))![1]
    const check = await ask<RedisCheck>('workers.testConnection', { url: redis.url })
    expect(check).toEqual({
      redis: `redis://:***@127.0.0.1:${redis.port}`,
      version,
      maxmemoryPolicy: 'noeviction',
      warning: null,
    })
    const admin = new Redis(redisOptions(redis.url))
    try {
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru')
      const risky = await ask<RedisCheck>('workers.testConnection', {
        url: 'redis://:***@127.0.0.1:' + redis.port,
      })
      expect(risky.maxmemoryPolicy).toBe('allkeys-lru')
      expect(risky.warning).toBe(
        'maxmemory-policy is allkeys-lru: set it to noeviction, or Redis may evict queued runs when its memory is full.',
      )
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction')
      admin.disconnect()
    }
  })

  it('says which server did not answer and why, never showing the password', async () => {
    const wrong = await refusal('workers.testConnection', {
      url: `redis://:not-${PASSWORD}@127.0.0.1:${redis.port}`,
    })
    expect(wrong.code).toBe('unavailable')
    expect(wrong.message).toMatch(
      new RegExp(`^Redis at redis://:\\*\\*\\*@127.0.0.1:${redis.port} did not answer: .*WRONGPASS`),
    )
    expect(wrong.message).not.toContain(PASSWORD)
    const port = await freeLoopbackPort()
    const closed = await refusal('workers.testConnection', { url: `redis://127.0.0.1:${port}` })
    expect(closed.message).toBe(
      `Redis at redis://127.0.0.1:${port} did not answer: connect ECONNREFUSED 127.0.0.1:${port}.`,
    )
  })
})

describe('workers.list', () => {
  it('lists a worker process with its name, host, backend and heartbeat, and drops it once it stops', async () => {
    await ask('settings.update', { redisUrl: null })
    expect(await ask<WorkersList>('workers.list')).toEqual({ redis: null, workers: [] })
    await ask('settings.update', { redisUrl: redis.url })
    expect(await ask<WorkersList>('workers.list')).toEqual({
      redis: `redis://:***@127.0.0.1:${redis.port}`,
      workers: [],
    })

    const worker = startWorker(redis.url, await mkdtemp(join(home, 'worker-')), 'desk-gpu')
    await worker.printed('takes runs from')
    const { workers } = await ask<WorkersList>('workers.list')
    expect(workers).toHaveLength(1)
    expect(workers[0]).toMatchObject({
      name: 'desk-gpu',
      host: hostname(),
      backend: 'cpu',
      runs: [],
      concurrency: 1,
    })
    expect(workers[0].pid).toBe(worker.process.pid)
    expect(workers[0].heartbeatAgeMs).toBeLessThan(15_000)

    worker.process.kill('SIGTERM')
    expect(await worker.exited()).toBe(0)
    expect((await ask<WorkersList>('workers.list')).workers).toEqual([])
  }, 60_000)

  it('keeps no connection open once shut down, even for a read that was connecting then', async () => {
    const own = new WorkerDirectory()
    const clients = new Redis(redisOptions(redis.url))
    const count = async () => ((await clients.client('LIST')) as string).trim().split('\n').length
    try {
      const before = await count()
      await own.list(redis.url)
      expect(await count()).toBe(before + 1)
      // A panel's poll racing the app's shutdown: it connects, the shutdown comes, then it lands.
      own.shutdown()
      await expect(own.list(redis.url)).rejects.toThrow('The workbench is shutting down.')
      const racing = new WorkerDirectory()
      const late = racing.list(redis.url)
      racing.shutdown()
      await expect(late).rejects.toThrow('The workbench is shutting down.')
      await expect.poll(count, { timeout: 5000 }).toBe(before)
    } finally {
      clients.disconnect()
    }
  })

  it('answers with a sentence while the server is away, and lists again once it is back', async () => {
    await ask('settings.update', { redisUrl: redis.url })
    await ask('workers.list')
    await redis.stop()
    try {
      const away = await refusal('workers.list')
      expect(away.code).toBe('unavailable')
      expect(away.message).toContain(`Redis at redis://:***@127.0.0.1:${redis.port} did not answer`)
      expect(away.message).not.toContain(PASSWORD)
    } finally {
      await redis.start()
    }
    expect((await ask<WorkersList>('workers.list')).workers).toEqual([])
  }, 30_000)
})
