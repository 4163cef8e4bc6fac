/**
 * The runs library, the new-run form's validation and the settings in the browser shell: rename
 * and delete a run, sort and filter the table, name what is wrong in the form, persist the theme.
 * Screenshots of every view in both themes at 1400x900.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { expectReadable, unlabelledControls } from './a11y'
import { callApi, launchBrowser, openPage, pageErrors, screenshot, startShell, type Shell } from './harness'

let browser: Browser
let shell: Shell

/** Call the API as the page does. */
const api = <T>(channel: string, input?: unknown) => callApi<T>(shell, channel, input)

/** A tiny run started through the API, waited for until it ends. */
async function tinyRun(name: string, trainLimit: number, settings: object = {}): Promise<string> {
  const record = await api<{ id: string }>('runs.start', {
    name,
    epochs: 1,
    trainLimit,
    batchSize: 50,
    ...settings,
  })
  await expect
    .poll(
      async () => (await api<{ record: { status: string } }>('runs.get', { id: record.id })).record.status,
      {
        timeout: 150_000,
        interval: 500,
      },
    )
    .toBe('completed')
  return record.id
}

const POLL = { timeout: 10_000, interval: 100 }

beforeAll(async () => {
  ;[browser, shell] = await Promise.all([launchBrowser(), startShell()])
})
afterAll(async () => {
  await shell?.stop()
  await browser?.close()
})

async function open(page: Page, hash: string): Promise<void> {
  await page.goto(`${shell.url}${hash}`)
}

const row = (page: Page, name: string) =>
  page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) })

describe('the runs library', () => {
  it('lists runs, sorts and filters them, renames one and deletes one after confirming', async () => {
    const [first, second] = [await tinyRun('Baseline small', 200), await tinyRun('Wider small', 300)]
    const page = await openPage(browser)
    await open(page, '#/runs')
    await row(page, 'Baseline small').waitFor()
    await row(page, 'Wider small').waitFor()
    expect(await row(page, 'Baseline small').getByTestId('run-status').textContent()).toBe('completed')

    // Sort by name, both ways.
    const names = () => page.locator('tbody tr td:first-child').allTextContents()
    expect(await unlabelledControls(page)).toEqual([])
    await page.getByRole('button', { name: 'Name', exact: true }).click()
    expect((await names()).map((n) => n.trim())).toEqual(['Baseline small', 'Wider small'])
    await page.getByRole('button', { name: 'Name', exact: true }).click()
    expect((await names()).map((n) => n.trim())).toEqual(['Wider small', 'Baseline small'])
    expect(
      await page.getByRole('columnheader', { name: 'Name', exact: true }).getAttribute('aria-sort'),
    ).toBe('descending')

    // Filter.
    await page.getByLabel('Filter runs').fill('wider')
    expect((await names()).map((n) => n.trim())).toEqual(['Wider small'])
    await page.getByLabel('Filter runs').fill('')
    await screenshot(page, 'ui-runs-light')
    await expectReadable(page, 'light')

    // Rename.
    await row(page, 'Baseline small').getByRole('button', { name: 'Rename Baseline small' }).click()
    const rename = page.getByRole('dialog', { name: 'Rename run' })
    expect(await unlabelledControls(page)).toEqual([])
    await expectReadable(page, 'light')
    await rename.getByLabel('Name').fill('Baseline, renamed')
    await rename.getByRole('button', { name: 'Rename' }).click()
    await row(page, 'Baseline, renamed').waitFor()
    expect((await api<{ record: { name: string } }>('runs.get', { id: first })).record.name).toBe(
      'Baseline, renamed',
    )

    // Delete: cancelling keeps the run, confirming removes it.
    await row(page, 'Wider small').getByRole('button', { name: 'Delete Wider small' }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete run?' })
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    expect(await row(page, 'Wider small').count()).toBe(1)
    await row(page, 'Wider small').getByRole('button', { name: 'Delete Wider small' }).click()
    await screenshot(page, 'ui-runs-delete-confirm-light')
    expect(await unlabelledControls(page)).toEqual([])
    await expectReadable(page, 'light')
    await confirm.getByRole('button', { name: 'Delete run' }).click()
    await expect.poll(() => row(page, 'Wider small').count(), POLL).toBe(0)
    const ids = (await api<{ id: string }[]>('runs.list')).map((item) => item.id)
    expect(ids).toContain(first)
    expect(ids).not.toContain(second)
    expect(pageErrors(page)).toEqual([])

    const dark = await openPage(browser, 'dark')
    await open(dark, '#/runs')
    await row(dark, 'Baseline, renamed').waitFor()
    await screenshot(dark, 'ui-runs-dark')
    await expectReadable(dark, 'dark')
    expect(pageErrors(dark)).toEqual([])
  })
})

describe('notes, tags, the filter and the columns', () => {
  it('keeps notes and tags on a run, filters by tag and by setting, and shows the columns chosen', async () => {
    const adam = await tinyRun('Adam small', 200)
    await tinyRun('SGD small', 200, { optimizer: 'sgd', learningRate: 0.01 })
    const page = await openPage(browser)
    await open(page, `#/runs/${encodeURIComponent(adam)}`)
    const card = page.getByRole('region', { name: 'Notes and tags' })
    await card.getByLabel('Tags').fill('baseline, small ,, Baseline')
    await card.getByLabel('Notes').fill('First try; the loss still falls at the end.')
    expect(await card.getByRole('status').textContent()).toBe('Not saved yet')
    await card.getByRole('button', { name: 'Save notes and tags' }).click()
    await expect.poll(() => card.getByRole('status').textContent(), POLL).toBe('Notes and tags saved.')
    expect(await card.getByLabel('Tags').inputValue()).toBe('baseline, small')
    const stored = await api<{ record: { tags: string[]; notes: string } }>('runs.get', { id: adam })
    expect(stored.record).toMatchObject({
      tags: ['baseline', 'small'],
      notes: 'First try; the loss still falls at the end.',
    })
    await card.getByLabel('Tags').fill('x'.repeat(41))
    expect(await card.textContent()).toContain('is longer than 40 characters')
    expect(await card.getByRole('button', { name: 'Save notes and tags' }).isDisabled()).toBe(true)
    await card.getByLabel('Tags').fill('baseline, small')
    await screenshot(page, 'ui-run-notes-light')
    await expectReadable(page, 'light')

    await open(page, '#/runs')
    const names = () => page.locator('tbody tr td:first-child a').allTextContents()
    await row(page, 'SGD small').waitFor()
    // A tag under a run's name filters by it.
    await row(page, 'Adam small').getByRole('button', { name: 'Show runs tagged baseline' }).click()
    expect(await page.getByLabel('Filter runs').inputValue()).toBe('tag:baseline')
    expect(await names()).toEqual(['Adam small'])
    // Any setting: the optimizer's name finds its runs.
    await page.getByLabel('Filter runs').fill('sgd')
    expect(await names()).toEqual(['SGD small'])
    await page.getByLabel('Filter runs').fill('adam')
    expect(await names()).toContain('Adam small')
    expect(await names()).not.toContain('SGD small')
    await page.getByLabel('Filter runs').fill('')

    // Columns: the optimizer shown, the backend hidden, kept after a reload.
    await page.getByText('Columns', { exact: true }).click()
    await page.getByRole('checkbox', { name: 'Optimizer' }).check()
    await page.getByRole('checkbox', { name: 'Backend' }).uncheck()
    await screenshot(page, 'ui-runs-columns-light')
    await expectReadable(page, 'light')
    expect(await unlabelledControls(page)).toEqual([])
    const headers = () => page.getByRole('columnheader').allTextContents()
    expect((await headers()).map((h) => h.trim())).toContain('Optimizer')
    expect((await headers()).map((h) => h.trim())).not.toContain('Backend')
    await page.reload()
    await row(page, 'SGD small').waitFor()
    expect((await headers()).map((h) => h.trim())).toContain('Optimizer')
    expect(await row(page, 'SGD small').getByRole('cell', { name: 'sgd', exact: true }).count()).toBe(1)

    // The rename field opens with the name selected: typing replaces it.
    await row(page, 'SGD small').getByRole('button', { name: 'Rename SGD small' }).click()
    await page.keyboard.type('SGD, lr 0.01')
    expect(await page.getByRole('dialog', { name: 'Rename run' }).getByLabel('Name').inputValue()).toBe(
      'SGD, lr 0.01',
    )
    await page.keyboard.press('Escape')
    expect(pageErrors(page)).toEqual([])

    const dark = await openPage(browser, 'dark')
    await open(dark, `#/runs/${encodeURIComponent(adam)}`)
    await dark.getByRole('region', { name: 'Notes and tags' }).getByLabel('Tags').waitFor()
    await screenshot(dark, 'ui-run-notes-dark')
    await expectReadable(dark, 'dark')
    await open(dark, '#/runs')
    await row(dark, 'Adam small').waitFor()
    await screenshot(dark, 'ui-runs-columns-dark')
    await expectReadable(dark, 'dark')
    expect(pageErrors(dark)).toEqual([])
  })
})

describe('the new-run form', () => {
  it('shows the data set, the layer summary and names what is wrong', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await openPage(browser, scheme)
      await open(page, '#/new')
      await page.getByTestId('preview-grid').waitFor()
      await expect
        .poll(() => page.getByTestId('param-count').textContent(), POLL)
        .toMatch(/[\d,]+ parameters/)
      await page.getByRole('button', { name: 'Quick look' }).click()
      expect(await page.getByRole('button', { name: 'Quick look' }).getAttribute('aria-pressed')).toBe('true')
      expect(await page.getByLabel('Epochs', { exact: true }).inputValue()).toBe('1')
      expect(await page.getByLabel('Training images').inputValue()).toBe('2000')
      await page.waitForTimeout(300)
      await screenshot(page, `ui-new-run-${scheme}`)
      expect(await unlabelledControls(page)).toEqual([])
      await expectReadable(page, scheme)
      expect(pageErrors(page)).toEqual([])
    }

    const page = await openPage(browser)
    await open(page, '#/new')
    await page.getByRole('button', { name: 'Notebook' }).click()
    expect(await page.getByLabel('Learning rate').inputValue()).toBe('1e-4')
    expect(await page.getByLabel('Epochs', { exact: true }).inputValue()).toBe('50')
    expect(await page.getByLabel('Batch size').inputValue()).toBe('100')
    await expect.poll(() => page.getByTestId('param-count').textContent(), POLL).toContain('569,606')

    // A preset of one's own: saved in the settings, pressed while the form matches it, deletable.
    await page.getByLabel('Epochs', { exact: true }).fill('3')
    await page.getByRole('button', { name: 'Save as preset…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Save as preset' })
    expect(await unlabelledControls(page)).toEqual([])
    await dialog.getByLabel('Preset name').fill('Three epochs')
    await dialog.getByRole('button', { name: 'Save preset' }).click()
    await expect
      .poll(
        () => page.getByRole('button', { name: 'Three epochs', exact: true }).getAttribute('aria-pressed'),
        POLL,
      )
      .toBe('true')
    expect(await page.getByRole('button', { name: 'Notebook' }).getAttribute('aria-pressed')).toBe('false')
    expect((await api<{ presets: { name: string }[] }>('settings.get')).presets.map((p) => p.name)).toEqual([
      'Three epochs',
    ])
    await page.getByRole('button', { name: 'Delete preset Three epochs' }).click()
    await expect
      .poll(() => page.getByRole('button', { name: 'Three epochs', exact: true }).count(), POLL)
      .toBe(0)
    await page.getByRole('button', { name: 'Notebook' }).click()

    await page.getByLabel('Learning rate').fill('fast')
    await page.getByLabel('Batch size').fill('0')
    await page.getByLabel('Conv block 2 filters').fill('1000')
    await page
      .getByText('Learning rate must be a number above 0 and at most 10, such as 1e-4.', { exact: true })
      .waitFor()
    await page.getByText('Batch size must be a whole number from 1 to 4,096.', { exact: true }).waitFor()
    await page
      .getByText('Conv block 2: filters must be a whole number from 1 to 512.', { exact: true })
      .waitFor()
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true)
    expect(await page.getByLabel('Learning rate').getAttribute('aria-invalid')).toBe('true')
    await screenshot(page, 'ui-new-run-invalid-light')
    await expectReadable(page, 'light')

    // A kernel that does not fit is named by the engine's shape check.
    await page.getByLabel('Learning rate').fill('1e-3')
    await page.getByLabel('Batch size').fill('100')
    await page.getByLabel('Conv block 2 filters').fill('64')
    await page.getByLabel('Conv block 1 kernel size').fill('11')
    await page.getByLabel('Conv block 2 kernel size').fill('11')
    await page
      .getByText(/Conv block 2 leaves no pixels/)
      .first()
      .waitFor()
    expect(await page.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true)
    expect(pageErrors(page)).toEqual([])
  })
})

describe('settings', () => {
  it('keeps the theme, and the defaults a new run starts from', async () => {
    const page = await openPage(browser)
    // Each save takes a moment, as on a busy disk: edits made meanwhile must all be kept.
    await page.route('**/api/settings.update', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 150))
      await route.continue()
    })
    await open(page, '#/settings')
    await page.getByLabel('Theme').selectOption('dark')
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme), POLL).toBe('dark')
    const defaults = page.getByRole('region', { name: 'Defaults of a new run' })
    const saved = {
      Epochs: '7',
      'Batch size': '64',
      'Learning rate': '0.003',
      'Training images': '1500',
      Seed: '9',
    }
    for (const [label, value] of Object.entries(saved)) {
      await defaults.getByLabel(label, { exact: true }).fill(value)
      await defaults.getByLabel(label, { exact: true }).press('Tab')
    }
    await defaults.getByLabel('Optimizer').selectOption('sgd')
    await page.getByText('Defaults saved.').waitFor()
    await screenshot(page, 'ui-settings-dark')
    expect(await unlabelledControls(page)).toEqual([])
    await expectReadable(page, 'dark')

    await page.reload()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme), POLL).toBe('dark')
    await expect.poll(() => defaults.getByLabel('Epochs', { exact: true }).inputValue(), POLL).toBe('7')
    await page.getByLabel('Theme').selectOption('system')
    await expect
      .poll(() => page.evaluate(() => document.documentElement.dataset.theme ?? 'none'))
      .toBe('none')
    await screenshot(page, 'ui-settings-light')
    await expectReadable(page, 'light')

    // A new run starts from them: the form, reached from the sidebar, shows every saved value.
    await page.getByRole('navigation').getByRole('link', { name: 'New run' }).click()
    for (const [label, value] of Object.entries(saved)) {
      await expect.poll(() => page.getByLabel(label, { exact: true }).inputValue(), POLL).toBe(value)
    }
    expect(await page.getByLabel('Optimizer').inputValue()).toBe('sgd')
    expect(pageErrors(page)).toEqual([])
  })
})
