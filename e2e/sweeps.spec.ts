/**
 * Sweeps and the run queue in the browser: queued runs in Runs, moved and cancelled there; a
 * sweep created in the new-sweep form, watched while it runs, and its view with its charts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { callApi, launchBrowser, openPage, pageErrors, screenshot, startShell, type Shell } from './harness'
import { expectReadable, unlabelledControls } from './a11y'

let browser: Browser
let shell: Shell

/** Call the API as the page does. */
const api = <T>(channel: string, input?: unknown) => callApi<T>(shell, channel, input)

beforeAll(async () => {
  ;[browser, shell] = await Promise.all([launchBrowser(), startShell()])
})
afterAll(async () => {
  await shell?.stop()
  await browser?.close()
})

/** The names in the queue panel, next first. */
const queued = (page: Page) =>
  page.getByRole('list', { name: 'Queued runs' }).getByRole('link').allTextContents()

describe('the run queue', () => {
  it('shows queued runs in Runs with their place, moves one up and cancels another', async () => {
    await api('settings.update', { maxTrainers: 1 })
    const long = { epochs: 200, trainLimit: 200, batchSize: 50 }
    const first = await api<{ id: string }>('runs.start', { name: 'Training', ...long })
    await api('runs.start', { name: 'Second', ...long })
    await api('runs.start', { name: 'Third', ...long })
    const page = await openPage(browser)
    await page.goto(`${shell.url}#/runs`)
    await expect.poll(() => queued(page), { timeout: 10_000, interval: 100 }).toEqual(['Second', 'Third'])
    await page.getByRole('button', { name: 'Move Third up' }).click()
    await expect.poll(() => queued(page), { timeout: 10_000, interval: 100 }).toEqual(['Third', 'Second'])
    expect(await unlabelledControls(page)).toEqual([])
    await expectReadable(page, 'light')
    await screenshot(page, 'sweeps-queue-light')
    const dark = await openPage(browser, 'dark')
    await dark.goto(`${shell.url}#/runs`)
    await expect.poll(() => queued(dark), { timeout: 10_000, interval: 100 }).toEqual(['Third', 'Second'])
    await expectReadable(dark, 'dark')
    await screenshot(dark, 'sweeps-queue-dark')
    await page.getByRole('button', { name: 'Cancel Second' }).click()
    await expect.poll(() => queued(page), { timeout: 10_000, interval: 100 }).toEqual(['Third'])
    const second = page
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'Second', exact: true }) })
    await second.getByTestId('run-status').getByText('stopped').waitFor({ timeout: 10_000 })
    // The moved run is the one that starts when the trainer frees.
    await api('runs.stop', { id: first.id })
    const third = page
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'Third', exact: true }) })
    await third.getByTestId('run-status').getByText('running').waitFor({ timeout: 30_000 })
    await expect.poll(() => queued(page), { timeout: 10_000, interval: 100 }).toEqual([])
    const running = await api<{ id: string; record?: { status: string } }[]>('runs.list')
    for (const item of running) {
      if (item.record?.status === 'running') await api('runs.stop', { id: item.id })
    }
    await api('settings.update', { maxTrainers: null })
    expect(pageErrors(page)).toEqual([])
    expect(pageErrors(dark)).toEqual([])
  })
})
