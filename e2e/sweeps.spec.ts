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

describe('a sweep made in the form', () => {
  // Four trials and one extended, on a shared 2-core machine: minutes, more than the default three.
  it('is created in the form, runs while watched, and its view shows its charts and trials', async () => {
    const page = await openPage(browser)
    await page.goto(`${shell.url}#/sweeps`)
    await page.getByText('No sweeps yet').waitFor()
    await page.getByRole('link', { name: 'New sweep' }).first().click()
    await page.getByRole('heading', { name: 'New sweep' }).waitFor()
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Tiny sweep')
    await page.getByRole('textbox', { name: 'Epochs', exact: true }).fill('2')
    await page.getByRole('textbox', { name: 'Training images', exact: true }).fill('300')
    await page.getByRole('combobox', { name: 'Method', exact: true }).selectOption('random')
    await page.getByRole('textbox', { name: 'Trials (run_cap)', exact: true }).fill('4')
    await page.getByRole('textbox', { name: 'Keep the top 1/eta (eta)', exact: true }).fill('2')
    // A bad range is one sentence naming the key, and the sweep cannot start.
    await page.getByRole('textbox', { name: 'Max of setting 1', exact: true }).fill('1e-5')
    const problem = page.getByTestId('sweep-form-error')
    expect(await problem.textContent()).toBe('parameters.learningRate.max must be above min.')
    expect(await page.getByRole('button', { name: 'Start sweep' }).isDisabled()).toBe(true)
    await page.getByRole('textbox', { name: 'Max of setting 1', exact: true }).fill('1e-2')
    await page.getByRole('button', { name: 'Add a setting' }).click()
    await page.getByRole('combobox', { name: 'Setting 2', exact: true }).fill('batchSize')
    await page.getByRole('textbox', { name: 'Values of setting 2', exact: true }).fill('25, 50')
    await problem.waitFor({ state: 'detached' })
    expect(await unlabelledControls(page)).toEqual([])
    await expectReadable(page, 'light')
    await screenshot(page, 'sweeps-form-light')
    await page.getByRole('button', { name: 'Start sweep' }).click()

    // The sweep's view, live: a trial runs, then all three end and the sweep completes.
    await page.getByRole('heading', { name: 'Tiny sweep' }).waitFor()
    const states = page.getByRole('table', { name: 'Trials' }).getByTestId('trial-state')
    await states.getByText('running').first().waitFor({ timeout: 60_000 })
    await page.getByTestId('sweep-status').getByText('completed').waitFor({ timeout: 170_000 })
    await expect.poll(() => states.allTextContents(), { timeout: 10_000 }).toHaveLength(4)
    for (const state of await states.allTextContents()) expect(['completed', 'pruned']).toContain(state)
    for (const name of ['Best so far', 'Parallel coordinates', 'Parameter importance']) {
      await page.getByRole('img', { name }).waitFor()
    }
    expect(await page.getByTestId('sweep-progress').textContent()).toMatch(/^4 of 4 trials done/)
    expect(await unlabelledControls(page)).toEqual([])
    await expectReadable(page, 'light')
    await screenshot(page, 'sweeps-view-light')
    await page.getByRole('table', { name: 'Trials' }).scrollIntoViewIfNeeded()
    await screenshot(page, 'sweeps-view-trials-light')

    const dark = await openPage(browser, 'dark')
    await dark.goto(`${shell.url}${new URL(page.url()).hash}`)
    await dark.getByRole('img', { name: 'Parallel coordinates' }).waitFor()
    await expectReadable(dark, 'dark')
    await screenshot(dark, 'sweeps-view-dark')
    await dark.getByRole('table', { name: 'Trials' }).scrollIntoViewIfNeeded()
    await screenshot(dark, 'sweeps-view-trials-dark')

    // A trial given more epochs trains on from its checkpoint.
    const firstTrial = page
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'Trial 1', exact: true }) })
    await page.getByRole('button', { name: 'More epochs for Trial 1' }).click()
    const dialog = page.getByRole('dialog', { name: 'More epochs for Trial 1' })
    expect(await unlabelledControls(page)).toEqual([])
    await dialog.getByRole('textbox', { name: 'Epochs in all', exact: true }).fill('3')
    await dialog.getByRole('button', { name: 'Train on' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await firstTrial.getByText('3 / 3').waitFor({ timeout: 90_000 })
    await firstTrial.getByTestId('trial-state').getByText('completed').waitFor({ timeout: 30_000 })

    // Its run says which sweep it belongs to.
    await firstTrial.getByRole('link', { name: 'Trial 1', exact: true }).click()
    await page.getByTestId('run-sweep').getByRole('link', { name: 'open the sweep' }).click()
    await page.getByRole('heading', { name: 'Tiny sweep' }).waitFor()

    // Compare top N opens Compare with the best trials' runs.
    await page
      .getByRole('combobox', { name: 'How many of the best trials to compare', exact: true })
      .selectOption('2')
    await page.getByRole('button', { name: 'Compare top 2' }).click()
    await page.getByRole('heading', { name: 'Compare' }).waitFor()
    const settings = await api<{ compareSelection: string[] }>('settings.get')
    expect(settings.compareSelection).toHaveLength(2)

    // The list shows the sweep.
    await page.goto(`${shell.url}#/sweeps`)
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Tiny sweep' }) })
    await row.getByText('4 / 4').waitFor()
    await screenshot(page, 'sweeps-list-light')
    expect(pageErrors(page)).toEqual([])
    expect(pageErrors(dark)).toEqual([])
  }, 420_000)

  it('stops a running sweep and resumes it from its view', async () => {
    const sweep = await api<{ id: string }>('sweeps.start', {
      name: 'Long sweep',
      base: { epochs: 50, trainLimit: 300, batchSize: 50 },
      method: 'random',
      metric: { name: 'val_loss', goal: 'minimize' },
      parameters: { learningRate: { values: [1e-3, 3e-3] } },
      run_cap: 2,
    })
    const page = await openPage(browser, 'dark')
    await page.goto(`${shell.url}#/sweeps/${sweep.id}`)
    const states = page.getByRole('table', { name: 'Trials' }).getByTestId('trial-state')
    await states.getByText('running').first().waitFor({ timeout: 60_000 })
    await page.getByRole('button', { name: 'Stop sweep' }).click()
    await page.getByTestId('sweep-status').getByText('stopped').waitFor({ timeout: 30_000 })
    await expect.poll(() => states.allTextContents(), { timeout: 30_000 }).not.toContain('running')
    await expectReadable(page, 'dark')
    await screenshot(page, 'sweeps-stopped-dark')
    await page.getByRole('button', { name: 'Resume sweep' }).click()
    await page.getByTestId('sweep-status').getByText('running').waitFor({ timeout: 30_000 })
    await states.getByText('running').first().waitFor({ timeout: 60_000 })
    await page.getByRole('button', { name: 'Stop sweep' }).click()
    await page.getByTestId('sweep-status').getByText('stopped').waitFor({ timeout: 30_000 })
    expect(pageErrors(page)).toEqual([])
  })
})
