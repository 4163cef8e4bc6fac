/**
 * The charts as a practitioner reads them: a smoothing slider over the per-batch curve (its raw
 * curve faint behind), a diverged run's huge losses written short, and Compare's "Ignore
 * outliers", which keeps that run from squashing the others. Two runs trained by the CLI: one
 * steady (learning rate 1e-3), one that diverges (learning rate 10).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '../src-common/contract'
import { expectReadable, unlabelledControls } from './a11y'
import {
  SCREENSHOTS,
  launchBrowser,
  makeHome,
  openPage,
  pageErrors,
  screenshot,
  startShell,
  trainWithCli,
  type Shell,
} from './harness'
import { inkInColumns } from './pngColours'

let browser: Browser
let shell: Shell
let steady: RunRecord
let diverged: RunRecord

beforeAll(async () => {
  const home = makeHome()
  // 100 batches an epoch, every one of them stored: a noisy per-batch curve to smooth.
  const flags = ['--train-limit', '2000', '--batch-size', '20', '--epochs', '2']
  ;[steady, diverged] = await Promise.all([
    trainWithCli(home, [...flags, '--learning-rate', '1e-3', '--name', 'steady']),
    trainWithCli(home, [...flags, '--learning-rate', '10', '--name', 'diverged']),
  ])
  shell = await startShell(home)
  browser = await launchBrowser()
}, 600_000)
afterAll(async () => {
  await browser?.close()
  await shell?.stop()
})

/**
 * Pixels of the loss chart in the theme's blue (light) whose opacity lies in [low, high]: the
 * canvas keeps each line's own alpha, so the per-batch curve (0.5) and the faint raw curve
 * behind a smoothed one (0.22) tell apart from the epoch lines (1).
 */
function bluePixels(page: Page, low: number, high: number): Promise<number> {
  return page.getByRole('img', { name: 'Loss chart', exact: true }).evaluate(
    (canvas: HTMLCanvasElement, [low, high]) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
      let count = 0
      for (let i = 0; i < data.length; i += 4) {
        const d = Math.abs(data[i] - 0x2f) + Math.abs(data[i + 1] - 0x6f) + Math.abs(data[i + 2] - 0xe4)
        if (d < 40 && data[i + 3] >= low && data[i + 3] <= high) count++
      }
      return count
    },
    [low, high],
  )
}

/** Rows of the canvas where a colour near `rgb` is drawn: the vertical extent of a curve. */
function rowsSpanned(page: Page, label: RegExp, rgb: [number, number, number]): Promise<number> {
  return page.getByRole('img', { name: label }).evaluate((canvas: HTMLCanvasElement, rgb) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
    let top = Infinity
    let bottom = -Infinity
    for (let i = 0; i < data.length; i += 4) {
      const d = Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2])
      if (data[i + 3] > 200 && d < 30) {
        const row = Math.floor(i / 4 / canvas.width)
        top = Math.min(top, row)
        bottom = Math.max(bottom, row)
      }
    }
    return bottom >= top ? bottom - top : 0
  }, rgb)
}

/**
 * The blank margins an exported PNG of two charts side by side keeps (2 device pixels a CSS
 * pixel, charts 900 wide, `chartHeight` high): its left edge, and the gutter between the charts,
 * where no tick label of either chart may reach. A run's per-class panels below span the gutter.
 */
async function expectTicksApart(
  page: Page,
  png: Buffer,
  headerHeight: number,
  chartHeight: number,
): Promise<void> {
  const bands: [number, number][] = [
    [0, 2 * 10],
    [2 * 884, 2 * 912],
  ]
  const rows: [number, number] = [2 * headerHeight, 2 * (headerHeight + chartHeight)]
  expect(await inkInColumns(page, png, bands, rows)).toBe(0)
}

/** Choose an item of an export menu and save the file it downloads among the screenshots. */
async function savePng(page: Page, menu: string, file: string): Promise<Buffer> {
  await page.getByRole('button', { name: menu, exact: true }).click()
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('menuitem', { name: 'Charts as PNG' }).click(),
  ])
  const body = await readFile(await download.path())
  await writeFile(join(SCREENSHOTS, file), body)
  return body
}

/** The per-batch curve's opacity (0.5) and the raw curve's behind a smoothed one (0.22). */
const batchCurve = (page: Page) => bluePixels(page, 105, 150)
const rawCurve = (page: Page) => bluePixels(page, 40, 72)

describe('charts', () => {
  it('smooths the per-batch curve with the slider, the raw curve faint behind it', async () => {
    const page = await openPage(browser)
    await page.goto(`${shell.url}#/runs/${encodeURIComponent(steady.id)}`)
    const loss = page.getByRole('img', { name: 'Loss chart', exact: true })
    await expect.poll(() => loss.textContent(), { timeout: 15_000 }).toMatch(/After epoch 2/)
    const slider = page.getByRole('slider', { name: 'Smoothing' })
    // TensorBoard's default.
    expect(await slider.inputValue()).toBe('0.6')

    await slider.fill('0')
    await expect.poll(() => page.getByRole('group', { name: 'Chart display' }).textContent()).toContain('off')
    await page.waitForTimeout(200)
    const raw = { strong: await batchCurve(page), faint: await rawCurve(page) }

    await slider.fill('0.9')
    await page.waitForTimeout(200)
    const smoothed = { strong: await batchCurve(page), faint: await rawCurve(page) }
    // The raw curve shows faint behind the smoothed one, and only then.
    expect(smoothed.faint).toBeGreaterThan(raw.faint + 300)
    // A smoothed curve is a shorter line than the zigzag of the raw batches.
    expect(smoothed.strong).toBeLessThan(raw.strong * 0.8)
    await screenshot(page, 'charts-smoothed-light')
    expect(await unlabelledControls(page)).toEqual([])
    await expectReadable(page, 'light')
    await expectTicksApart(page, await savePng(page, 'Export', 'charts-run-export.png'), 64, 520)
    expect(pageErrors(page)).toEqual([])
  })

  it('writes a diverged run’s losses short, and lets Compare ignore it as an outlier', async () => {
    const page = await openPage(browser)
    await page.goto(`${shell.url}#/runs/${encodeURIComponent(diverged.id)}`)
    const loss = page.getByRole('img', { name: 'Loss chart', exact: true })
    await expect.poll(() => loss.textContent(), { timeout: 15_000 }).toMatch(/After epoch 2/)
    // The summary and the stats read the loss as 2.13e10, not 21300000000.
    expect(await loss.textContent()).not.toMatch(/\d{7,}/)
    await screenshot(page, 'charts-diverged-light')
    await expectTicksApart(page, await savePng(page, 'Export', 'charts-diverged-export.png'), 64, 520)

    await page.goto(shell.url)
    await page.getByRole('link', { name: 'Compare' }).click()
    await page.getByRole('checkbox', { name: 'steady', exact: true }).check()
    await page.getByRole('checkbox', { name: 'diverged', exact: true }).check()
    await expect
      .poll(() => page.locator('canvas[aria-label*="Comparison"]').count(), { timeout: 15_000 })
      .toBe(2)
    await page.waitForTimeout(300)
    // The steady run (the first colour, blue) in the loss chart: a flat line at the bottom
    // while the diverged run sets the scale, its whole descent once outliers are ignored.
    const blue: [number, number, number] = [0x2f, 0x6f, 0xe4]
    const lossChart = /^Comparison of .* loss against/
    const squashed = await rowsSpanned(page, lossChart, blue)
    await screenshot(page, 'charts-compare-outlier-light')
    await page.getByRole('checkbox', { name: 'Ignore outliers' }).check()
    await page.waitForTimeout(300)
    const spread = await rowsSpanned(page, lossChart, blue)
    expect(spread).toBeGreaterThan(3 * squashed)
    await page.getByRole('slider', { name: 'Smoothing' }).fill('0.5')
    await page.waitForTimeout(200)
    await screenshot(page, 'charts-compare-ignore-outliers-light')
    await expectReadable(page, 'light')
    expect(await unlabelledControls(page)).toEqual([])
    await expectTicksApart(
      page,
      await savePng(page, 'Export comparison', 'charts-compare-export.png'),
      112,
      500,
    )
    expect(pageErrors(page)).toEqual([])

    const dark = await openPage(browser, 'dark')
    await dark.goto(`${shell.url}#/runs/${encodeURIComponent(steady.id)}`)
    await expect
      .poll(() => dark.getByRole('img', { name: 'Loss chart', exact: true }).textContent(), {
        timeout: 15_000,
      })
      .toMatch(/After epoch 2/)
    await dark.waitForTimeout(300)
    await screenshot(dark, 'charts-smoothed-dark')
    await expectReadable(dark, 'dark')
    await dark.getByRole('link', { name: 'Compare' }).click()
    await expect
      .poll(() => dark.locator('canvas[aria-label*="Comparison"]').count(), { timeout: 15_000 })
      .toBe(2)
    await dark.getByRole('checkbox', { name: 'Ignore outliers' }).check()
    await dark.getByRole('slider', { name: 'Smoothing' }).fill('0.5')
    await dark.waitForTimeout(300)
    await screenshot(dark, 'charts-compare-dark')
    await expectReadable(dark, 'dark')
    expect(pageErrors(dark)).toEqual([])
  })
})
