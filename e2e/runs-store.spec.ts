/**
 * The runs library kept current by other processes on the same home (a CLI command trains or
 * deletes a run: the list follows without a reload), runs waiting for a trainer past the cap,
 * and the new-run form's memory estimate.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  ROOT,
  callApi,
  launchBrowser,
  openPage,
  pageErrors,
  screenshot,
  startShell,
  trainWithCli,
  type Shell,
} from './harness'
import { expectReadable, unlabelledControls } from './a11y'

let browser: Browser
let shell: Shell

/** Call the API as the page does. */
const api = <T>(channel: string, input?: unknown) => callApi<T>(shell, channel, input)

const row = (page: Page, name: string) =>
  page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) })

beforeAll(async () => {
  ;[browser, shell] = await Promise.all([launchBrowser(), startShell()])
})
afterAll(async () => {
  await shell?.stop()
  await browser?.close()
})

describe('the runs library and other processes', () => {
  it('shows a run another process trains, and drops one it deletes, without a reload', async () => {
    const page = await openPage(browser)
    await page.goto(`${shell.url}#/runs`)
    await page.getByText('No runs yet').first().waitFor()
    const trained = await trainWithCli(shell.home, [
      '--name',
      'From the CLI',
      '--epochs',
      '1',
      '--train-limit',
      '200',
      '--batch-size',
      '50',
    ])
    await row(page, 'From the CLI').getByTestId('run-status').getByText('completed').waitFor()
    await screenshot(page, 'runs-store-from-cli')
    await promisify(execFile)(process.execPath, [
      join(ROOT, 'out/main/cli.js'),
      'runs',
      'delete',
      trained.id,
      '--home',
      shell.home,
    ])
    await expect.poll(() => row(page, 'From the CLI').count(), { timeout: 10_000, interval: 100 }).toBe(0)
    expect(pageErrors(page)).toEqual([])
  })

  it('shows runs past the trainer cap queued, in line, until a trainer frees', async () => {
    await api('settings.update', { maxTrainers: 1 })
    const long = { epochs: 200, trainLimit: 200, batchSize: 50 }
    const first = await api<{ id: string; status: string }>('runs.start', { name: 'Training', ...long })
    const second = await api<{ id: string; status: string }>('runs.start', { name: 'Waiting', ...long })
    expect([first.status, second.status]).toEqual(['running', 'queued'])
    const page = await openPage(browser)
    await page.goto(`${shell.url}#/runs`)
    await row(page, 'Waiting').getByTestId('run-status').getByText('queued, next in line').waitFor()
    await expectReadable(page, 'light')
    await screenshot(page, 'runs-store-queued-list')
    await page.goto(`${shell.url}#/runs/${second.id}`)
    const notice = page.getByTestId('queued-notice')
    await notice.waitFor()
    expect(await notice.textContent()).toMatch(
      /Waiting for a free trainer, next in line: this home trains\s+1 run at a time/,
    )
    expect(await unlabelledControls(page)).toEqual([])
    await expectReadable(page, 'light')
    await screenshot(page, 'runs-store-queued-run')
    // A trainer frees: the waiting run starts by itself.
    await api('runs.stop', { id: first.id })
    await page.getByTestId('run-status').getByText('running').waitFor({ timeout: 30_000 })
    await page.getByRole('button', { name: 'Stop run' }).click()
    await page.getByTestId('run-status').getByText('stopped').waitFor({ timeout: 30_000 })
    await api('settings.update', { maxTrainers: null })
    expect(pageErrors(page)).toEqual([])
  })

  it('shows the memory a new run will need at its peak', async () => {
    const page = await openPage(browser)
    await page.goto(`${shell.url}#/new`)
    const memory = page.getByTestId('run-memory')
    await memory.waitFor()
    expect(await memory.textContent()).toMatch(/^\s*Memory at its peak: about \d+ MiB/)
    // 512 filters in the first block, 4,096 images a batch: past what a wasm instance addresses.
    await page.getByRole('textbox', { name: 'Conv block 1 filters' }).fill('512')
    await page.getByRole('textbox', { name: 'Batch size' }).fill('4096')
    await expect
      .poll(() => memory.textContent(), { timeout: 10_000, interval: 100 })
      .toMatch(
        /This run needs about \d+ GiB in each of its wasm replicas, .* more than the 4\.0 GiB a wasm instance can address/,
      )
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true)
    await memory.scrollIntoViewIfNeeded()
    await expectReadable(page, 'light')
    await screenshot(page, 'runs-store-memory')
    expect(pageErrors(page)).toEqual([])
  })
})
