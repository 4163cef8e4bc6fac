/**
 * Workers on other machines in the browser: the Redis server named in Settings (checked, saved,
 * shown masked, tested against a real redis-server), a real worker process (the built
 * `cli.js worker`, its own home) appearing in the Workers panel with its heartbeat, live, a run
 * trained there, and a sweep whose trials spread over two workers.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile, readdir } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { RunRecord } from '@common/contract'
import { startRedis, type RedisServer } from '../src-main/engine/remote/redis.fixtures'
import { expectReadable, unlabelledControls } from './a11y'
import {
  ROOT,
  callApi,
  launchBrowser,
  makeHome,
  openPage,
  pageErrors,
  screenshot,
  startShell,
  type Shell,
} from './harness'

const PASSWORD = 'e2e-pw-51c0'
let browser: Browser
let shell: Shell
let redis: RedisServer
let worker: ChildProcess | null = null
const sweepers: ChildProcess[] = []

beforeAll(async () => {
  ;[browser, shell, redis] = await Promise.all([launchBrowser(), startShell(), startRedis(PASSWORD)])
})
afterAll(async () => {
  for (const child of [worker, ...sweepers]) if (child && child.exitCode === null) child.kill('SIGKILL')
  await shell?.stop()
  await browser?.close()
  await redis?.stop()
})

/** Starts the built `cli.js worker` on its own home; resolves once it says it takes runs. */
async function startWorker(name: string, backend = ['--backend', 'cpu']): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'out/main/cli.js'),
      'worker',
      '--redis',
      redis.url,
      '--home',
      makeHome(),
      '--name',
      name,
      ...backend,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  await new Promise<void>((ready, fail) => {
    const onData = (d: Buffer) => {
      output += d.toString()
      if (output.includes('takes runs from')) ready()
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => fail(new Error(`worker exited with ${code}:\n${output}`)))
  })
  expect(output).not.toContain(PASSWORD)
  return child
}

const redisField = (page: Page) => page.getByRole('textbox', { name: 'Redis server' })
const masked = () => `redis://:***@127.0.0.1:${redis.port}`

describe('workers on other machines', () => {
  it('names the Redis server in Settings: refuses a wrong URL, saves it masked, tests it', async () => {
    const page = await openPage(browser)
    await page.goto(`${shell.url}#/workers`)
    await page.getByRole('heading', { name: 'No Redis server is set' }).waitFor()

    await page.goto(`${shell.url}#/settings`)
    await redisField(page).fill(`http://:${PASSWORD}@127.0.0.1:${redis.port}`)
    await redisField(page).press('Tab')
    await page.getByText('The Redis URL must start with redis:// or rediss://, not http://.').waitFor()
    expect(await page.getByRole('status').first().textContent()).not.toContain('saved')

    await redisField(page).fill(redis.url)
    await redisField(page).press('Tab')
    await page.getByText('Redis server saved.').waitFor()
    await expect.poll(() => redisField(page).inputValue()).toBe(masked())

    await page.getByRole('button', { name: 'Test connection' }).click()
    await expect
      .poll(() => page.getByTestId('redis-check').textContent(), { timeout: 10_000 })
      .toMatch(
        new RegExp(
          `^\\s*Redis \\d+\\.\\d+\\.\\d+ at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port} answered; maxmemory-policy is noeviction\\.\\s*$`,
        ),
      )
    // A reload shows what is saved, masked: the password never comes back to the page.
    await page.reload()
    await expect.poll(() => redisField(page).inputValue()).toBe(masked())
    expect(await page.content()).not.toContain(PASSWORD)
    expect(await unlabelledControls(page)).toEqual([])
    await expectReadable(page, 'light')
    await page.getByRole('button', { name: 'Test connection' }).click()
    await page.getByTestId('redis-check').getByText('answered').waitFor({ timeout: 10_000 })
    await screenshot(page, 'workers-settings-light')
    const dark = await openPage(browser, 'dark')
    await dark.goto(`${shell.url}#/settings`)
    await expect.poll(() => redisField(dark).inputValue()).toBe(masked())
    await expectReadable(dark, 'dark')
    await screenshot(dark, 'workers-settings-dark')
    expect(pageErrors(page)).toEqual([])
    expect(pageErrors(dark)).toEqual([])
  })

  it('shows a worker process in the Workers panel with its name, host, backend and live heartbeat', async () => {
    await callApi(shell, 'settings.update', { redisUrl: redis.url })
    const page = await openPage(browser)
    await page.goto(`${shell.url}#/workers`)
    await page.getByRole('heading', { name: 'No worker has reported' }).waitFor()
    await page.getByText(masked()).first().waitFor()

    worker = await startWorker('e2e-worker')
    const row = page.getByTestId('worker-row').filter({ hasText: 'e2e-worker' })
    await row.waitFor({ timeout: 10_000 })
    const cells = await row.getByRole('cell').allTextContents()
    expect(cells.map((c) => c.trim()).slice(0, 3)).toEqual(['e2e-worker', hostname(), 'cpu'])
    expect(cells[4].trim()).toBe('idle')
    // The heartbeat's age moves on while the panel is open (a poll every 2 s, a beat every 5 s).
    const heartbeat = row.getByTestId('worker-heartbeat')
    const first = await heartbeat.textContent()
    expect(first).toMatch(/^(just now|\d+ s ago)$/)
    await expect.poll(() => heartbeat.textContent(), { timeout: 10_000, interval: 200 }).not.toBe(first)
    expect(await heartbeat.textContent()).toMatch(/^(just now|\d+ s ago)$/)

    expect(await unlabelledControls(page)).toEqual([])
    await expectReadable(page, 'light')
    await screenshot(page, 'workers-panel-light')
    const dark = await openPage(browser, 'dark')
    await dark.goto(`${shell.url}#/workers`)
    await dark.getByTestId('worker-row').filter({ hasText: 'e2e-worker' }).waitFor({ timeout: 10_000 })
    await expectReadable(dark, 'dark')
    await screenshot(dark, 'workers-panel-dark')

    // A worker stopped with SIGTERM says goodbye: its row goes at the next poll.
    worker.kill('SIGTERM')
    await page.getByRole('heading', { name: 'No worker has reported' }).waitFor({ timeout: 15_000 })
    expect(pageErrors(page)).toEqual([])
    expect(pageErrors(dark)).toEqual([])
  })

  it('trains a run started from the form on the worker, its chart live, and says which worker', async () => {
    await callApi(shell, 'settings.update', { redisUrl: redis.url })
    worker = await startWorker('e2e-trainer', [])
    const host = hostname()
    const page = await openPage(browser)
    await page.goto(shell.url)
    await page.getByRole('button', { name: 'Quick look' }).click()
    await page.getByLabel('Training images').fill('800')
    await page.getByLabel('Epochs', { exact: true }).fill('1')
    await page.getByRole('button', { name: 'Start run' }).click()
    await page.waitForURL(/#\/runs\/[^/]+$/)
    const id = decodeURIComponent(page.url().split('#/runs/')[1])

    await expect
      .poll(() => page.getByTestId('run-worker').textContent(), { timeout: 30_000, interval: 100 })
      .toMatch(new RegExp(`^\\s*Trains on worker e2e-trainer \\(${host}\\)\\s*$`))
    // Per-batch samples come back through Redis while the run trains there.
    await expect
      .poll(() => page.getByTestId('progress-batch').textContent(), { timeout: 60_000, interval: 100 })
      .toMatch(/^\d+ \/ \d+$/)
    await screenshot(page, 'workers-run-live-light')
    await expect
      .poll(() => page.getByRole('main').getByTestId('run-status').textContent(), {
        timeout: 120_000,
        interval: 250,
      })
      .toBe('completed')
    await expect
      .poll(() => page.getByRole('img', { name: 'Loss chart', exact: true }).textContent(), {
        timeout: 10_000,
      })
      .toMatch(/After epoch 1: training loss \d/)
    expect((await page.getByTestId('run-worker').textContent())?.trim()).toBe(
      `Trained on worker e2e-trainer (${host})`,
    )
    await expectReadable(page, 'light')
    await screenshot(page, 'workers-run-completed-light')
    // The run's folder here is its record: it says where it trained, and holds no credential.
    const runJson = await readFile(join(shell.home, 'runs', id, 'run.json'), 'utf8')
    expect(JSON.parse(runJson)).toMatchObject({ remote: true, worker: { name: 'e2e-trainer', host } })
    expect(runJson).not.toContain(PASSWORD)
    expect(shell.output()).not.toContain(PASSWORD)

    await page.goto(`${shell.url}#/runs`)
    const row = page
      .getByRole('row')
      .filter({ has: page.locator(`a[href="#/runs/${encodeURIComponent(id)}"]`) })
    await expect
      .poll(() => row.getByTestId('run-row-worker').textContent(), { timeout: 10_000 })
      .toBe(`on worker e2e-trainer (${host})`)
    const dark = await openPage(browser, 'dark')
    await dark.goto(`${shell.url}#/runs/${encodeURIComponent(id)}`)
    await dark
      .getByTestId('run-worker')
      .getByText('Trained on worker e2e-trainer')
      .waitFor({ timeout: 10_000 })
    await expectReadable(dark, 'dark')
    await screenshot(dark, 'workers-run-completed-dark')
    worker.kill('SIGTERM')
    expect(pageErrors(page)).toEqual([])
    expect(pageErrors(dark)).toEqual([])
  })

  it('trains a sweep of 6 trials on two workers, its view live, every run folder complete here', async () => {
    await callApi(shell, 'settings.update', { redisUrl: redis.url })
    const names = ['sweeper-a', 'sweeper-b']
    for (const name of names) sweepers.push(await startWorker(name, []))
    const sweep = await callApi<{ id: string }>(shell, 'sweeps.start', {
      name: 'Sweep on workers',
      base: { epochs: 2, trainLimit: 300, batchSize: 50, replicas: 1 },
      method: 'random',
      metric: { name: 'val_accuracy', goal: 'maximize' },
      parameters: { learningRate: { distribution: 'log_uniform', min: 1e-4, max: 3e-3 } },
      run_cap: 6,
      concurrency: 2,
    })
    const page = await openPage(browser)
    await page.goto(`${shell.url}#/sweeps/${sweep.id}`)
    const states = page.getByRole('table', { name: 'Trials' }).getByTestId('trial-state')
    await states.getByText('running').first().waitFor({ timeout: 60_000 })
    // The view follows the sweep as it goes, without a reload: some trials done, others to come.
    const done = async () => (await states.allTextContents()).filter((s) => s === 'completed').length
    await expect.poll(done, { timeout: 120_000, interval: 100 }).toBeGreaterThan(0)
    expect(await page.getByTestId('sweep-status').textContent()).toContain('running')
    await page.getByRole('img', { name: 'Best so far' }).waitFor()
    await screenshot(page, 'workers-sweep-live-light')
    await page.getByTestId('sweep-status').getByText('completed').waitFor({ timeout: 240_000 })
    expect(await page.getByTestId('sweep-progress').textContent()).toMatch(/^6 of 6 trials done/)
    await expectReadable(page, 'light')
    await screenshot(page, 'workers-sweep-done-light')

    // Each trial's folder here is complete: trained on one of the two, every epoch once, checkpoints.
    const details = await callApi<{ record: { trials: { runId: string }[] } }>(shell, 'sweeps.get', {
      id: sweep.id,
    })
    expect(details.record.trials).toHaveLength(6)
    const trainedOn = new Set<string>()
    for (const { runId } of details.record.trials) {
      const run = await callApi<{ record: RunRecord; metrics: { epoch: number }[] }>(shell, 'runs.get', {
        id: runId,
      })
      expect(run.record).toMatchObject({ status: 'completed', remote: true, checkpointEpoch: 2 })
      expect(names).toContain(run.record.worker?.name)
      trainedOn.add(run.record.worker!.name)
      expect(run.metrics.map((m) => m.epoch)).toEqual([1, 2])
      expect(await readdir(join(shell.home, 'runs', runId, 'checkpoints'))).not.toHaveLength(0)
    }
    expect([...trainedOn].sort()).toEqual(names)
    for (const child of sweepers) child.kill('SIGTERM')
    expect(pageErrors(page)).toEqual([])
  }, 420_000)
})
