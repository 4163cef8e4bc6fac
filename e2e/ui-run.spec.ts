/**
 * The run flow in the browser shell: a quick run started from the form completes with its
 * charts, a run can be stopped, and a page reloaded mid-run picks the run up again.
 * Runs are kept tiny (a few hundred training images) where the test's point allows.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Download, Page } from 'playwright-core'
import { expectReadable, unlabelledControls } from './a11y'
import {
  SCREENSHOTS,
  launchBrowser,
  openPage,
  pageErrors,
  screenshot,
  startShell,
  type Shell,
} from './harness'
import { countColours } from './pngColours'

let browser: Browser
let shell: Shell

beforeAll(async () => {
  ;[browser, shell] = await Promise.all([launchBrowser(), startShell()])
})
afterAll(async () => {
  await shell?.stop()
  await browser?.close()
})

interface RunForm {
  preset?: 'Quick look' | 'Notebook'
  trainingImages?: number
  epochs?: number
}

/** Fill the new-run form, press Start run, and return the new run's id from the address. */
async function startRunFromForm(page: Page, form: RunForm = {}): Promise<string> {
  await page.goto(shell.url)
  await page.getByRole('button', { name: form.preset ?? 'Quick look' }).click()
  if (form.trainingImages !== undefined)
    await page.getByLabel('Training images').fill(String(form.trainingImages))
  if (form.epochs !== undefined) await page.getByLabel('Epochs', { exact: true }).fill(String(form.epochs))
  await page.getByRole('button', { name: 'Start run' }).click()
  await page.waitForURL(/#\/runs\/[^/]+$/)
  return decodeURIComponent(page.url().split('#/runs/')[1])
}

interface DownloadedFile {
  name: string
  body: Buffer
}

/** Choose an item of the Export menu and read the `count` files it downloads. */
async function downloads(page: Page, item: string, count: number): Promise<DownloadedFile[]> {
  await page.getByRole('button', { name: 'Export' }).click()
  const files: Download[] = []
  const all = new Promise<void>((resolve) => {
    page.on('download', function collect(file) {
      files.push(file)
      if (files.length < count) return
      page.off('download', collect)
      resolve()
    })
  })
  await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: item }).click()])
  await all
  return Promise.all(
    files.map(async (file) => ({ name: file.suggestedFilename(), body: await readFile(await file.path()) })),
  )
}

/** Choose an item of the Export menu and read the file it downloads. */
async function download(page: Page, item: string): Promise<DownloadedFile> {
  return (await downloads(page, item, 1))[0]
}

/** Pixels of the loss chart's canvas in the curves' blue (the batch curve and the epoch points, light theme). */
function curvePixels(page: Page): Promise<number> {
  return page.getByRole('img', { name: 'Loss chart', exact: true }).evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
    let count = 0
    for (let i = 0; i < data.length; i += 4) {
      const distance = Math.abs(data[i] - 0x2f) + Math.abs(data[i + 1] - 0x6f) + Math.abs(data[i + 2] - 0xe4)
      if (data[i + 3] > 0 && distance < 40) count++
    }
    return count
  })
}

const status = (page: Page) => page.getByRole('main').getByTestId('run-status')
const batchText = (page: Page) => page.getByTestId('progress-batch').textContent()

async function waitForStatus(page: Page, expected: string, timeout = 120_000): Promise<void> {
  await expect.poll(() => status(page).textContent(), { timeout, interval: 250 }).toBe(expected)
}

/**
 * The per-class accuracy charts after `epoch`: one drawn chart for each of MNIST's ten digits,
 * named by the digit, one marked lowest, and the latest figures in words; scrolled into view.
 */
async function expectPerClass(page: Page, epoch: number): Promise<void> {
  const card = page.getByTestId('per-class')
  // The Quick look validates on a split of the training images, and the title says which set.
  expect(await card.getByRole('heading').textContent()).toBe('Per-class validation accuracy')
  await expect
    .poll(() => page.locator('#per-class-summary').textContent(), { timeout: 10_000 })
    .toMatch(new RegExp(`^After epoch ${epoch}: 0 \\d+\\.\\d\\d%, 1 .*, 9 \\d+\\.\\d\\d%\\. Lowest: \\d, `))
  const charts = card.getByRole('img')
  expect(await charts.count()).toBe(10)
  const names = await charts.evaluateAll((all) => all.map((c) => c.getAttribute('aria-label')!.split(':')[0]))
  expect(names).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
  expect(await card.getByText('lowest', { exact: true }).count()).toBe(1)
  // Every class chart has drawn its curve (its canvas holds non-transparent pixels).
  const drawn = await charts.evaluateAll((all) =>
    (all as HTMLCanvasElement[]).map(
      (c) =>
        c.width > 0 &&
        c
          .getContext('2d')!
          .getImageData(0, 0, c.width, c.height)
          .data.some((v, i) => i % 4 === 3 && v > 0),
    ),
  )
  expect(drawn).toEqual(Array(10).fill(true))
  await card.scrollIntoViewIfNeeded()
}

describe('a run in the browser', () => {
  it('starts a quick run from the form, shows its first points while it trains and completes with charts', async () => {
    const page = await openPage(browser)
    const id = await startRunFromForm(page, { preset: 'Quick look', trainingImages: 500 })

    const loss = page.getByRole('img', { name: 'Loss chart', exact: true })
    const accuracy = page.getByRole('img', { name: 'Accuracy chart', exact: true })
    expect(await loss.evaluate((el) => el.tagName)).toBe('CANVAS')
    expect(await accuracy.evaluate((el) => el.tagName)).toBe('CANVAS')
    // Per-batch samples arrive live, while the run is still training (how fast is the bench's job).
    await expect.poll(() => batchText(page), { timeout: 60_000, interval: 100 }).toMatch(/^\d+ \/ \d+$/)
    expect(await status(page).textContent()).toBe('running')
    await screenshot(page, 'ui-run-live-light')
    expect(await unlabelledControls(page)).toEqual([])

    await waitForStatus(page, 'completed')
    await expect
      .poll(() => loss.textContent(), { timeout: 10_000 })
      .toMatch(/After epoch 1: training loss \d/)
    await expect
      .poll(() => accuracy.textContent(), { timeout: 10_000 })
      .toMatch(/validation accuracy \d+\.\d+%/)
    expect(await page.getByTestId('epoch-log').textContent()).toMatch(/Epoch 1\/1\s+train loss/)
    expect(await page.getByTestId('best-val-accuracy').textContent()).toMatch(/^\d+\.\d\d%$/)
    await screenshot(page, 'ui-run-completed-light')
    await expectPerClass(page, 1)
    await screenshot(page, 'ui-run-per-class-light')
    await expectReadable(page, 'light')
    expect(await unlabelledControls(page)).toEqual([])

    // Export: metrics as CSV and the charts as PNG, both made in the page.
    const csv = await download(page, 'Metrics as CSV')
    expect(csv.name).toMatch(/-metrics\.csv$/)
    // With each digit's validation accuracy after the epoch's figures.
    expect(csv.body.toString('utf8')).toMatch(
      /^epoch,train_loss,train_accuracy,val_loss,val_accuracy,[^\n]*,time,val_accuracy_0,(val_accuracy_\d,){8}val_accuracy_9\r\n1,([^,\r]*,){7}(0(\.\d+)?|1),/,
    )
    const png = await download(page, 'Charts as PNG')
    expect(png.name).toMatch(/-charts\.png$/)
    expect(png.body.subarray(1, 4).toString('latin1')).toBe('PNG')
    await writeFile(join(SCREENSHOTS, 'ui-run-export.png'), png.body)
    // Header and charts, 64 and 520 CSS pixels high (two device pixels each); below them the
    // per-class panels, two rows of five digits, each at least 100 high.
    const height = png.body.readUInt32BE(20)
    const chartsBottom = 2 * (64 + 520)
    expect(height).toBeGreaterThan(chartsBottom + 2 * 2 * 100)
    // The curves are drawn: below the title, pixels of the batch curve (half-transparent blue on
    // white), the training point (blue) and the validation point (orange).
    const colours: Record<string, [number, number, number]> = {
      train: [0x2f, 0x6f, 0xe4],
      val: [0xe8, 0x71, 0x1a],
      batch: [0x97, 0xb7, 0xf1],
    }
    const coloured = await countColours(page, png.body, colours, 175 / height, chartsBottom / height)
    expect(coloured.batch).toBeGreaterThan(500)
    expect(coloured.train).toBeGreaterThan(40)
    expect(coloured.val).toBeGreaterThan(40)
    // Below the charts, each class's point in the validation orange, the lowest class's in red,
    // its panel framed and tagged in red.
    const perClass = await countColours(
      page,
      png.body,
      { val: colours.val, danger: [0xc0, 0x26, 0x26] },
      chartsBottom / height,
    )
    expect(perClass.val).toBeGreaterThan(9 * 20)
    expect(perClass.danger).toBeGreaterThan(500)

    // The model of the latest checkpoint: model.json, whose manifest names the weights file.
    const model = await downloads(page, 'Model, tfjs format', 2)
    const json = model.find((f) => f.name.endsWith('.model.json'))
    const weights = model.find((f) => f.name.endsWith('.weights.bin'))
    // Named as every export is: the run's name made safe, then what the file holds.
    const base = csv.name.replace(/-metrics\.csv$/, '')
    expect(png.name).toBe(`${base}-charts.png`)
    expect(json?.name).toBe(`${base}-epoch1.model.json`)
    expect(weights?.name).toBe(`${base}-epoch1.weights.bin`)
    const manifest = (JSON.parse(json!.body.toString('utf8')) as { weightsManifest: { paths: string[] }[] })
      .weightsManifest
    expect(manifest.flatMap((group) => group.paths)).toEqual([weights!.name])
    expect(weights!.body.length).toBeGreaterThan(1000)

    // The Export menu by keyboard alone: the down arrow opens it on its first entry, End goes to
    // the last (the ONNX model), Enter makes it; Escape closes it and focus returns to the button.
    const exportButton = page.getByRole('button', { name: 'Export' })
    await exportButton.focus()
    await page.keyboard.press('ArrowDown')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('menuitem')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Metrics as CSV')
    await page.keyboard.press('End')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Model, ONNX')
    const [onnxFile] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')])
    expect(onnxFile.suggestedFilename()).toBe(`${base}-epoch1.onnx`)
    // An ONNX ModelProto opens with its IR version, field 1.
    expect([...(await readFile(await onnxFile.path())).subarray(0, 2)]).toEqual([0x08, 0x08])
    await page.keyboard.press('ArrowUp')
    expect(await page.getByRole('menu').count()).toBe(1)
    await page.keyboard.press('Escape')
    expect(await page.getByRole('menu').count()).toBe(0)
    expect(await exportButton.evaluate((el) => el === document.activeElement)).toBe(true)

    // The run is in the library, completed.
    await page.getByRole('navigation').getByRole('link', { name: 'Runs' }).click()
    const row = page.locator(`tr[data-run-id="${id}"]`)
    await expect
      .poll(() => row.getByTestId('run-status').textContent(), { timeout: 10_000 })
      .toBe('completed')
    expect(pageErrors(page)).toEqual([])

    // The same run in the dark theme.
    const dark = await openPage(browser, 'dark')
    await dark.goto(`${shell.url}#/runs/${encodeURIComponent(id)}`)
    await waitForStatus(dark, 'completed')
    await dark.waitForTimeout(300)
    await screenshot(dark, 'ui-run-completed-dark')
    await expectPerClass(dark, 1)
    await screenshot(dark, 'ui-run-per-class-dark')
    await expectReadable(dark, 'dark')
    expect(pageErrors(dark)).toEqual([])
  })

  it('draws the loss curve as it trains, stops a running run and offers to resume it', async () => {
    const page = await openPage(browser)
    await startRunFromForm(page, { preset: 'Quick look', trainingImages: 3000, epochs: 3 })
    await expect.poll(() => batchText(page), { timeout: 20_000, interval: 100 }).toMatch(/^\d+ \/ \d+$/)
    // The chart gains curve pixels from one look to a later one, both while the run trains.
    const first = await curvePixels(page)
    expect(await status(page).textContent()).toBe('running')
    await expect
      .poll(
        async () => ({ grew: (await curvePixels(page)) > first, status: await status(page).textContent() }),
        {
          timeout: 30_000,
          interval: 200,
        },
      )
      .toEqual({ grew: true, status: 'running' })
    await expectReadable(page, 'light')
    await page.getByRole('button', { name: 'Stop run' }).click()
    await waitForStatus(page, 'stopped', 30_000)
    expect(await page.getByRole('button', { name: 'Resume' }).isVisible()).toBe(true)
    expect(await page.getByRole('button', { name: 'Stop run' }).count()).toBe(0)
    await screenshot(page, 'ui-run-stopped-light')

    // Resume runs it again; stop it once more to keep the suite short.
    await page.getByRole('button', { name: 'Resume' }).click()
    await waitForStatus(page, 'running', 30_000)
    await page.getByRole('button', { name: 'Stop run' }).click()
    await waitForStatus(page, 'stopped', 30_000)
    expect(pageErrors(page)).toEqual([])
  })

  it('picks a run up again after the page is reloaded mid-run', async () => {
    const page = await openPage(browser)
    const id = await startRunFromForm(page, { preset: 'Quick look', trainingImages: 1000, epochs: 2 })
    await expect.poll(() => batchText(page), { timeout: 20_000, interval: 100 }).toMatch(/^\d+ \/ \d+$/)

    await page.reload()
    expect(page.url()).toContain(`#/runs/${encodeURIComponent(id)}`)
    expect(await status(page).textContent()).toBe('running')
    await page.waitForTimeout(1500)
    await screenshot(page, 'ui-run-after-reload-light')
    // It goes on: both epochs end up in the log and the run completes.
    await waitForStatus(page, 'completed')
    await expect
      .poll(() => page.getByTestId('epoch-log').textContent(), { timeout: 10_000 })
      .toMatch(/Epoch 1\/2.*Epoch 2\/2/s)
    await expect
      .poll(() => page.getByTestId('progress-epoch').textContent(), { timeout: 10_000 })
      .toBe('2 / 2')
    // The per-class charts gained the epoch that ended after the reload.
    await expectPerClass(page, 2)
    await screenshot(page, 'ui-run-per-class-two-epochs-light')
    expect(pageErrors(page)).toEqual([])
  })
})
