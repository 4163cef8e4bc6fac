/**
 * Your own images in the browser shell: a folder of 1,500 colour PNGs of three shape classes
 * (made by the test, with a corrupt JPEG among them) is decoded with a progress bar, named what
 * it skipped, trains from the form, and the inspector shows the colour input, its maps and conv1's
 * filters in RGB. The run's network takes 3 input channels and has 3 outputs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { truncatedJpeg, writeShapesFolder } from '../src-main/engine/data/image-folder.fixtures'
import { expectReadable, unlabelledControls } from './a11y'
import { launchBrowser, makeHome, openPage, pageErrors, screenshot, startShell, type Shell } from './harness'

let browser: Browser
let shell: Shell
let folder: string
let other: string
/** The run the first test trains on the folder at 32×32 RGB, centre crop. */
let runId = ''

beforeAll(async () => {
  const home = makeHome()
  folder = join(home, 'shapes')
  await writeShapesFolder(folder, { perClass: 500, width: 32 })
  writeFileSync(join(folder, 'circle', 'broken.jpg'), await truncatedJpeg())
  mkdirSync(join(folder, 'empty'))
  ;[browser, shell] = await Promise.all([launchBrowser(), startShell(home)])
}, 120_000)
afterAll(async () => {
  await shell?.stop()
  await browser?.close()
  if (folder) rmSync(folder, { recursive: true, force: true })
  if (other) rmSync(other, { recursive: true, force: true })
})

/** How many of a canvas's pixels have colour (channels apart), and how many there are. */
function colourPixels(page: Page, name: RegExp): Promise<{ coloured: number; total: number }> {
  return page.getByRole('img', { name }).evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
    let coloured = 0
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]]
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++
    }
    return { coloured, total: data.length / 4 }
  })
}

/** Open the new-run form on a fresh page and choose `path` as the data set's folder. */
async function chooseFolder(page: Page, path: string): Promise<void> {
  await page.goto(`${shell.url}#/new`)
  await page.getByText('Your folder').click()
  await page.getByLabel('Folder path').fill(path)
  await page.getByRole('button', { name: 'Use' }).click()
}

describe('a folder of colour images', () => {
  it('is decoded with progress, names what it skipped, trains from the form and is inspected in colour', async () => {
    const page = await openPage(browser)
    await chooseFolder(page, folder)

    // The bar shows while the 1,501 files are decoded, then the samples and what was skipped.
    const bar = page.getByRole('progressbar', { name: "Decoding the folder's images" })
    await expect.poll(() => bar.count(), { timeout: 30_000, interval: 50 }).toBe(1)
    await screenshot(page, 'images-decoding')
    await expect.poll(() => page.getByTestId('preview-grid').count(), { timeout: 60_000 }).toBe(1)
    expect(await page.getByTestId('dataset-summary').textContent()).toBe(
      'A folder of class subfolders of images · a fifth of each class split off for testing · images 32×32',
    )
    const skipped = page.getByTestId('skipped-files')
    expect(await skipped.textContent()).toMatch(
      /1 file could not be decoded and was skipped:\s*circle\/broken\.jpg: .*(premature end of JPEG|corrupt header)/,
    )
    expect(await page.getByTestId('empty-classes').textContent()).toContain('left out: empty')
    const counts = page.getByRole('table', { name: 'Class counts' })
    expect(await counts.locator('tbody td.name').allTextContents()).toEqual(['circle', 'square', 'triangle'])
    expect(await counts.locator('tfoot').textContent()).toMatch(/1,200\s*300/)
    const sample = await colourPixels(page, /^Sample 1: /)
    expect(sample.coloured).toBeGreaterThan(0.2 * sample.total)

    // The network follows the folder: 3 channels in, 3 classes out.
    await expect
      .poll(() => page.getByText(/Input 32×32×3 · output 3 classes/).count(), { timeout: 10_000 })
      .toBe(1)
    await expect.poll(() => page.getByText('2,432').count()).toBeGreaterThan(0)
    await screenshot(page, 'images-new-run')
    await expectReadable(page, 'light')
    expect(await unlabelledControls(page)).toEqual([])

    // Train briefly from the form.
    await page.getByLabel('Epochs', { exact: true }).fill('1')
    await page.getByLabel('Learning rate').fill('0.001')
    await page.getByRole('button', { name: 'Start run' }).click()
    await page.waitForURL(/#\/runs\/[^/]+$/)
    const id = decodeURIComponent(page.url().split('#/runs/')[1])
    runId = id
    expect(await page.getByTestId('run-input').textContent()).toBe('32×32 RGB, centre crop · 3 classes')
    expect(await page.getByText(/→ dense 500 drop 0\.4 → dense 3$/).count()).toBe(1)
    await expect
      .poll(() => page.getByRole('main').getByTestId('run-status').textContent(), { timeout: 180_000 })
      .toBe('completed')
    await screenshot(page, 'images-run-completed')

    // The inspector: the input in colour, its maps, conv1's filters over red, green and blue.
    await page.goto(`${shell.url}#/inspect/${id}`)
    const maps = page.getByRole('region', { name: 'Feature maps' })
    await expect.poll(() => maps.locator('canvas').count(), { timeout: 30_000 }).toBe(192)
    const input = await colourPixels(page, /^The network's input: Test image #0/)
    expect(input.coloured).toBeGreaterThan(0.05 * input.total)
    expect(await page.getByRole('radio', { name: 'Draw' }).count()).toBe(0)
    expect(await page.getByText(/32 filters, 5×5 over red, green and blue/).count()).toBe(1)
    const filters = page.getByRole('list', { name: 'First conv layer filters' }).locator('canvas')
    expect(await filters.count()).toBe(32)
    expect(await page.getByTestId('prediction').textContent()).toMatch(/Predicted\s*(circle|square|triangle)/)
    await screenshot(page, 'images-inspect')
    await maps.screenshot({ path: join('e2e', 'screenshots', 'images-inspect-maps.png') })

    // A picture of the person's own, sent whole and prepared as the training images were.
    await page.getByRole('radio', { name: 'File' }).click()
    await page.getByLabel('Image file', { exact: true }).setInputFiles(join(folder, 'square', 'square-7.png'))
    await expect
      .poll(() => page.getByTestId('prediction').textContent(), { timeout: 10_000 })
      .toMatch(/Predicted\s*square/)
    const file = await colourPixels(page, /^The network's input: /)
    expect(file.coloured).toBeGreaterThan(0.05 * file.total)
    await screenshot(page, 'images-inspect-file')

    // A random triangle, then the evaluation with the folder's class names.
    await page.getByRole('radio', { name: 'Random of class' }).click()
    await page.getByLabel('Class', { exact: true }).selectOption({ label: 'triangle' })
    await expect
      .poll(() => page.getByText(/Test image #\d+, a triangle/).count(), { timeout: 10_000 })
      .toBe(1)
    await page.getByRole('button', { name: 'Evaluate test set' }).last().click()
    await expect.poll(() => page.getByText('Test accuracy').count(), { timeout: 60_000 }).toBe(1)
    expect(
      await page.getByRole('button', { name: /^True triangle, predicted \w+: \d+ images$/ }).count(),
    ).toBe(3)
    await page.getByRole('region', { name: 'Test-set evaluation' }).scrollIntoViewIfNeeded()
    await screenshot(page, 'images-evaluation')
    await expectReadable(page, 'light')
    expect(await unlabelledControls(page)).toEqual([])
    expect(pageErrors(page)).toEqual([])

    // The dark theme: the form on the folder (decoded already) and the inspector stay readable.
    const dark = await openPage(browser, 'dark')
    await chooseFolder(dark, folder)
    await expect.poll(() => dark.getByTestId('preview-grid').count(), { timeout: 60_000 }).toBe(1)
    expect(await dark.getByTestId('skipped-files').textContent()).toContain('circle/broken.jpg')
    await screenshot(dark, 'images-new-run-dark')
    await expectReadable(dark, 'dark')
    await dark.goto(`${shell.url}#/inspect/${id}`)
    await expect
      .poll(() => dark.getByRole('region', { name: 'Feature maps' }).locator('canvas').count(), {
        timeout: 30_000,
      })
      .toBe(192)
    await screenshot(dark, 'images-inspect-dark')
    await expectReadable(dark, 'dark')
    expect(pageErrors(dark)).toEqual([])
  })

  it("keeps the folder's input across a reload, and a run's folder and input come back with its settings", async () => {
    const page = await openPage(browser)
    await chooseFolder(page, folder)
    await expect.poll(() => page.getByTestId('preview-grid').count(), { timeout: 60_000 }).toBe(1)
    // The augmentation preview draws the folder's images in colour, stored and turned.
    await page.getByLabel('Rotation (°)').fill('15')
    const augmented = page.getByRole('img', { name: /^Augmented image 1, / })
    await expect.poll(() => augmented.count(), { timeout: 30_000 }).toBe(1)
    const turned = await colourPixels(page, /^Augmented image 1, /)
    expect(turned.coloured).toBeGreaterThan(0.1 * turned.total)

    await page.getByLabel('Input size (px)').selectOption('48')
    await page.getByLabel('Colour', { exact: true }).selectOption({ label: 'Grey' })
    await page.getByLabel('Fit', { exact: true }).selectOption({ label: 'Pad with black' })
    const network = (text: string) => page.getByText(`Input ${text} · output 3 classes`)
    await expect.poll(() => network('48×48×1').count(), { timeout: 60_000 }).toBe(1)

    // The stored form holds the folder's input: a reload shows it and the network on it.
    await page.reload()
    expect(await page.getByLabel('Folder path').inputValue()).toBe(folder)
    expect(await page.getByLabel('Input size (px)').inputValue()).toBe('48')
    expect(await page.getByLabel('Colour', { exact: true }).inputValue()).toBe('grey')
    expect(await page.getByLabel('Fit', { exact: true }).inputValue()).toBe('pad')
    await expect.poll(() => network('48×48×1').count(), { timeout: 60_000 }).toBe(1)

    // Another folder in the settings; the run's settings bring back its own folder and input.
    other = join(shell.home, 'other-shapes')
    await writeShapesFolder(other, { perClass: 20, width: 40 })
    await page.getByLabel('Folder path').fill(other)
    await page.getByRole('button', { name: 'Use' }).click()
    await expect
      .poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 60_000 })
      .toMatch(/images 40×40$/)
    await page.goto(`${shell.url}#/new?from=${encodeURIComponent(runId)}`)
    await expect.poll(() => page.getByLabel('Folder path').inputValue(), { timeout: 10_000 }).toBe(folder)
    expect(await page.getByLabel('Input size (px)').inputValue()).toBe('32')
    expect(await page.getByLabel('Colour', { exact: true }).inputValue()).toBe('rgb')
    expect(await page.getByLabel('Fit', { exact: true }).inputValue()).toBe('crop')
    await expect.poll(() => network('32×32×3').count(), { timeout: 60_000 }).toBe(1)
    await expect
      .poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 60_000 })
      .toMatch(/images 32×32$/)
    expect(await page.getByRole('table', { name: 'Class counts' }).locator('tfoot').textContent()).toMatch(
      /1,200\s*300/,
    )
    expect(pageErrors(page)).toEqual([])
  })
})
