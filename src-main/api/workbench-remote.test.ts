/**
 * The app's workbench with a Redis server in its settings, against a real redis-server and a
 * worker process: a run started through the API trains on the worker, and one the worker
 * finished while the app was closed is collected when the app starts again.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventChannel, RunDetails, RunRecord } from '@common/contract'
import { killWorkers, startRedis, startWorker, type RedisServer } from '../engine/remote/redis.fixtures'
import { runPaths } from '../engine/run-files/paths'
import { barRunConfig } from '../engine/runs/test-helpers'
import { openConfSettings } from '../engine/settings/conf-store'
import { writeBarDataset } from '../engine/train/test-data'
import { dispatch } from './dispatch'
import { createWorkbench } from './workbench'

const PASSWORD = 'wb-remote-3e9c'
let root = ''
let data = ''
let redis: RedisServer

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-wb-remote-'))
  data = await writeBarDataset(join(root, 'bars'), 300, 100)
  redis = await startRedis(PASSWORD)
}, 60_000)

afterAll(async () => {
  killWorkers()
  await redis?.stop()
  await rm(root, { recursive: true, force: true })
})

/** The app: a workbench on `home`, its events kept, its log kept. */
function openApp(home: string) {
  const events: { channel: EventChannel; payload: unknown }[] = []
  const logged: string[] = []
  const workbench = createWorkbench({
    home,
    shell: 'web',
    settings: openConfSettings(home, () => undefined),
    emit: (channel, payload) => events.push({ channel, payload }),
    logError: (where, error) => logged.push(`${where}: ${String(error)}`),
  })
  const ask = async <T>(channel: string, payload?: unknown): Promise<T> => {
    const answer = await dispatch(workbench.handlers, channel, payload)
    if (!answer.ok) throw new Error(answer.error.message)
    return answer.value as T
  }
  return { workbench, events, logged, ask }
}

async function until(test: () => boolean | Promise<boolean>, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('the app with a Redis server in its settings', () => {
  it('collects at its next start the run a worker finished while it was closed', async () => {
    const home = join(root, 'app')
    const worker = startWorker(redis.url, join(root, 'worker'), 'alpha')
    await worker.printed('takes runs from')
    const first = openApp(home)
    await first.ask('settings.update', { redisUrl: redis.url })
    const started = await first.ask<RunRecord>('runs.start', barRunConfig(data, { epochs: 3 }))
    expect(started.remote).toBe(true)
    await until(
      () =>
        first.events.some(
          (e) => e.channel === 'runs.epoch' && (e.payload as { runId: string }).runId === started.id,
        ),
      'its first epoch',
    )
    await first.workbench.shutdown()
    await worker.printed(`Run ${started.id} completed.`)

    const second = openApp(home)
    try {
      await until(
        async () =>
          (await second.ask<RunDetails>('runs.get', { id: started.id, batches: false })).record.status ===
          'completed',
        'the run collected',
      )
      const details = await second.ask<RunDetails>('runs.get', { id: started.id, batches: false })
      expect(details.record.worker).toEqual({ name: 'alpha', host: hostname() })
      expect(details.metrics.map((m) => m.epoch)).toEqual([1, 2, 3])
      expect(details.record.checkpointEpoch).toBe(3)
      const recordText = await readFile(runPaths(home, started.id).record, 'utf8')
      for (const text of [recordText, worker.output(), [...first.logged, ...second.logged].join('\n')])
        expect(text).not.toContain(PASSWORD)
    } finally {
      await second.workbench.shutdown()
    }
  }, 300_000)
})
