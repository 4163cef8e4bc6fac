/**
 * The Compare view against two real runs that differ only in their learning rate (1e-3 and
 * 1e-4, 500 training images, 2 epochs), trained with the CLI into the shell's home first.
 */
import { readFile } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '@common/contract'
import {
  launchBrowser,
  makeHome,
  openPage,
  pageErrors,
  screenshot,
  startShell,
  trainWithCli,
  type Shell,
} from './harness'
import { expectReadable, unlabelledControls } from './a11y'
import { countColours } from './pngColours'

let browser: Browser
let home: string
const shells: Shell[] = []
const runs: RunRecord[] = []

/** Train one small run with the CLI and return its record. */
function train(learningRate: string, name: string): Promise<RunRecord> {
  const flags = ['--train-limit', '500', '--epochs', '2', '--learning-rate', learningRate, '--name', name]
  return trainWithCli(home, flags)
}

async function shell(): Promise<Shell> {
  const s = await startShell(home)
  shells.push(s)
  return s
}

async function openCompare(s: Shell, scheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await openPage(browser, scheme)
  await page.goto(s.url)
  await page.getByRole('link', { name: 'Compare' }).click()
  await page.getByRole('table', { name: 'Runs to compare' }).getByRole('checkbox').first().waitFor()
  return page
}

const checkbox = (page: Page, name: string) => page.getByRole('checkbox', { name, exact: true })

beforeAll(async () => {
  home = makeHome()
  // One core each: the two runs train side by side.
  runs.push(...(await Promise.all([train('1e-3', 'lr 1e-3'), train('1e-4', 'lr 1e-4')])))
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  await Promise.all(shells.map((s) => s.stop()))
  await browser?.close()
})

describe('compare', () => {
  it('shows which learning rate learned faster, by how much, and what else differed', async () => {
    const s = await shell()
    const page = await openCompare(s)
    await checkbox(page, 'lr 1e-3').check()
    await expect.poll(() => page.getByText('Choose one more run').count()).toBe(1)
    await checkbox(page, 'lr 1e-4').check()

    // The overlaid curves: accuracy and loss, each named as a comparison.
    const charts = page.locator('canvas[aria-label*="Comparison"]')
    await expect.poll(() => charts.count(), { timeout: 15_000 }).toBe(2)
    expect(await charts.first().getAttribute('aria-label')).toMatch(/accuracy/)

    // The headline: 1e-3 learns faster on 500 images in 2 epochs.
    const headline = page.getByTestId('compare-headline')
    await expect.poll(() => headline.textContent()).toMatch(/validation accuracy/)
    const text = (await headline.textContent()) ?? ''
    expect(text).toMatch(/^lr 1e-3 (reached|and lr 1e-4 both reached) \d+(\.\d)?% validation accuracy/)
    expect(text).toMatch(/final gap \+\d+\.\d points/)
    expect(await page.getByText('Only the learning rate differs in the configuration.').count()).toBe(1)

    // The table: the learning rate row differs, the batch size row does not.
    const table = page.getByRole('table', { name: 'Comparison of hyperparameters and results' })
    const lrRow = table.locator('tr[data-field="learningRate"]')
    expect(await lrRow.getAttribute('data-differs')).toBe('true')
    expect(await lrRow.getByRole('rowheader').textContent()).toContain('Learning rate')
    expect(await lrRow.getByRole('cell').allTextContents()).toEqual(['1e-3', '1e-4'])
    expect(await table.locator('tr[data-field="batchSize"]').getAttribute('data-differs')).toBe('false')
    await screenshot(page, 'compare-light')
    await expectReadable(page, 'light')
    expect(await unlabelledControls(page)).toEqual([])

    // Only the differing rows when asked.
    await page.getByRole('switch', { name: 'Only differences' }).check()
    expect(await table.locator('tr[data-field="batchSize"]').count()).toBe(0)
    expect(await table.locator('tr[data-field="learningRate"]').count()).toBe(1)
    await page.getByRole('switch', { name: 'Only differences' }).uncheck()

    // Highlighting a run from the legend.
    const chip = page
      .getByRole('list', { name: 'Runs in the comparison' })
      .getByRole('button', { name: 'lr 1e-4' })
    await chip.click()
    expect(await chip.getAttribute('aria-pressed')).toBe('true')
    await page.keyboard.press('Escape')
    expect(await chip.getAttribute('aria-pressed')).toBe('false')

    // Clicking a curve highlights its run: find a pixel of lr 1e-4's colour (second palette slot).
    const spot = await charts.first().evaluate((canvas: HTMLCanvasElement) => {
      const ctx = canvas.getContext('2d')
      if (!ctx) return null
      const scale = canvas.width / canvas.clientWidth
      const x = Math.round(canvas.width * 0.55)
      const column = ctx.getImageData(x, 0, 1, canvas.height).data
      for (let y = 0; y < canvas.height; y++) {
        const [r, g, b] = column.slice(y * 4, y * 4 + 3)
        if (Math.abs(r - 0xe8) + Math.abs(g - 0x71) + Math.abs(b - 0x1a) < 60)
          return { x: x / scale, y: y / scale }
      }
      return null
    })
    expect(spot).not.toBeNull()
    await charts.first().click({ position: spot! })
    await expect.poll(() => chip.getAttribute('aria-pressed')).toBe('true')
    await charts.first().click({ position: { x: 5, y: 5 } })
    await expect.poll(() => chip.getAttribute('aria-pressed')).toBe('false')

    // The curves against wall time.
    await page.getByRole('radiogroup', { name: 'Horizontal axis' }).getByText('Wall time').click()
    await expect.poll(() => charts.first().getAttribute('aria-label')).toMatch(/against wall time/)

    // Parallel coordinates over all runs, with an accessible name.
    expect(await page.getByRole('img', { name: /Parallel coordinates of 2 runs/ }).count()).toBe(1)
    // Visually hidden labels stay inside the scrolling main area: the page itself never scrolls.
    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth - window.innerWidth,
      y: document.documentElement.scrollHeight - window.innerHeight,
    }))
    expect(overflow).toEqual({ x: 0, y: 0 })
    expect(pageErrors(page)).toEqual([])
  })

  it('exports the table and the metrics as CSV and the charts as PNG', async () => {
    const s = await shell()
    const page = await openCompare(s)
    await expect
      .poll(() => page.locator('canvas[aria-label*="Comparison"]').count(), { timeout: 15_000 })
      .toBe(2)
    async function download(item: string): Promise<Buffer> {
      await page.getByRole('button', { name: 'Export comparison' }).click()
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('menuitem', { name: item }).click(),
      ])
      const path = await file.path()
      return readFile(path)
    }
    const table = (await download('Table as CSV')).toString('utf8')
    expect(table.split('\r\n')[0]).toBe('field,lr 1e-3,lr 1e-4')
    expect(table).toContain('Learning rate,0.001,0.0001')
    const metrics = (await download('Metrics as CSV')).toString('utf8').trim().split('\r\n')
    expect(metrics).toHaveLength(5)
    const png = await download('Charts as PNG')
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
    // The curves are drawn: the chart area holds pixels of both runs' colours.
    const coloured = await countColours(page, png, { blue: [0x2f, 0x6f, 0xe4], orange: [0xe8, 0x71, 0x1a] })
    expect(coloured.blue).toBeGreaterThan(500)
    expect(coloured.orange).toBeGreaterThan(500)
    expect(pageErrors(page)).toEqual([])
  })

  it('computes the confusion matrices side by side when asked', async () => {
    const s = await shell()
    const page = await openCompare(s)
    await page.getByRole('button', { name: 'Evaluate 2 runs' }).click()
    // Both runs have checkpoints: both matrices come, one row per true class, 10,000 images each.
    const matrices = page.getByRole('table', { name: /^Confusion matrix of lr 1e-/ })
    await expect.poll(() => matrices.count(), { timeout: 120_000 }).toBe(2)
    expect(await page.getByText('The matrices cannot be computed yet').count()).toBe(0)
    for (const matrix of await matrices.all()) {
      expect(await matrix.locator('tbody tr').count()).toBe(10)
      const counts = (await matrix.locator('tbody td').allTextContents()).map((t) =>
        Number(t.replace(/\D/g, '')),
      )
      expect(counts.reduce((a, b) => a + b, 0)).toBe(10_000)
    }
    await page
      .getByRole('region', { name: /Confusion matrices/ })
      .evaluate((card) => card.scrollIntoView({ block: 'start' }))
    await screenshot(page, 'compare-light-matrices')
    await expectReadable(page, 'light')
    expect(pageErrors(page)).toEqual([])

    // The same matrices in the dark (the shell keeps the evaluations): the counts stay readable.
    const dark = await openCompare(s, 'dark')
    await dark.getByRole('button', { name: 'Evaluate 2 runs' }).click()
    await expect
      .poll(() => dark.getByRole('table', { name: /^Confusion matrix of lr 1e-/ }).count(), {
        timeout: 120_000,
      })
      .toBe(2)
    await dark
      .getByRole('region', { name: /Confusion matrices/ })
      .evaluate((card) => card.scrollIntoView({ block: 'start' }))
    await screenshot(dark, 'compare-dark-matrices')
    await expectReadable(dark, 'dark')
  })

  it('keeps the selection across a reload and a restart, in the dark theme too', async () => {
    const first = shells.at(-1) ?? (await shell())
    const page = await openCompare(first)
    await page.reload()
    await page.getByRole('table', { name: 'Runs to compare' }).getByRole('checkbox').first().waitFor()
    await expect.poll(() => checkbox(page, 'lr 1e-3').isChecked()).toBe(true)
    expect(await checkbox(page, 'lr 1e-4').isChecked()).toBe(true)
    await first.stop()

    const second = await shell()
    const dark = await openCompare(second, 'dark')
    await expect.poll(() => checkbox(dark, 'lr 1e-3').isChecked()).toBe(true)
    expect(await checkbox(dark, 'lr 1e-4').isChecked()).toBe(true)
    await expect
      .poll(() => dark.locator('canvas[aria-label*="Comparison"]').count(), { timeout: 15_000 })
      .toBe(2)
    await dark.waitForTimeout(300)
    await screenshot(dark, 'compare-dark')
    await dark
      .getByRole('region', { name: 'Hyperparameters and results' })
      .evaluate((card) => card.scrollIntoView({ block: 'start' }))
    await screenshot(dark, 'compare-dark-table')
    await expectReadable(dark, 'dark')
    // The results the training computed (the CLI's records), not settings this test chose.
    const finalAccuracy = dark
      .getByRole('table', { name: 'Comparison of hyperparameters and results' })
      .locator('tr[data-field="valAccuracy"]')
    const best = Math.max(...runs.map((r) => r.summary!.valAccuracy))
    expect(await finalAccuracy.getByRole('cell').allTextContents()).toEqual(
      runs.map((r) => {
        const accuracy = r.summary!.valAccuracy
        return `${(accuracy * 100).toFixed(2)}%${accuracy === best ? ' (best)' : ''}`
      }),
    )
    expect(pageErrors(dark)).toEqual([])
  })
})
