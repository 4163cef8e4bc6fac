/**
 * The new-run form's recipe settings in the browser shell: a network with batch norm built in
 * the editor, the augmentation preview, the schedule curve, no stale layers while the network is
 * invalid, the form kept across a reload, Ctrl+Enter, the learning-rate warning, and "New run
 * from this one".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { expectReadable, unlabelledControls } from './a11y'
import { launchBrowser, openPage, pageErrors, screenshot, startShell, type Shell } from './harness'

let browser: Browser
let shell: Shell

beforeAll(async () => {
  ;[browser, shell] = await Promise.all([launchBrowser(), startShell()])
})
afterAll(async () => {
  await shell?.stop()
  await browser?.close()
})

const paramCount = async (page: Page) => (await page.getByTestId('param-count').textContent())?.trim()
const layerNames = (page: Page) =>
  page.getByRole('table', { name: 'Layer summary' }).locator('tbody tr .type').allTextContents()
const curve = (page: Page) => page.getByTestId('schedule-curve').locator('path').getAttribute('d')

/** Grey levels of the preview's canvases in one row ("Stored images" or "Augmented images"). */
function previewPixels(page: Page, row: string): Promise<number[][]> {
  return page
    .getByRole('list', { name: row })
    .locator('canvas')
    .evaluateAll((canvases: HTMLCanvasElement[]) =>
      canvases.map((c) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
        return Array.from(data.filter((_, i) => i % 4 === 0))
      }),
    )
}

describe('the new-run form', () => {
  it('builds a batch-norm network, previews augmentation, draws the schedule and never shows a stale network', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await openPage(browser, scheme)
      await page.goto(shell.url)
      await page.getByRole('button', { name: 'Notebook' }).click()
      await expect.poll(() => paramCount(page), { timeout: 15_000 }).toMatch(/^[\d,]+ parameters$/)
      const notebookParams = await paramCount(page)

      // Batch norm after both conv blocks, two convs in the first, and dropout after it.
      await page.getByLabel('Conv block 1 batch norm').check()
      await page.getByLabel('Conv block 2 batch norm').check()
      await page.getByLabel('Conv block 1 convs').fill('2')
      await page.getByLabel('Conv block 1 dropout').fill('0.25')
      await expect
        .poll(() => layerNames(page), { timeout: 15_000 })
        .toEqual([
          'Conv2D',
          'BatchNormalization',
          'Conv2D',
          'BatchNormalization',
          'MaxPooling2D',
          'Dropout',
          'Conv2D',
          'BatchNormalization',
          'MaxPooling2D',
          'Flatten',
          'Dense',
          'Dropout',
          'Dense',
        ])
      expect(await paramCount(page)).not.toBe(notebookParams)

      // While a field of the network is wrong there is no network: no layers, no count.
      await page.getByLabel('Conv block 2 filters').fill('0')
      await expect.poll(() => paramCount(page)).toBe('— parameters')
      expect(await page.getByRole('table', { name: 'Layer summary' }).count()).toBe(0)
      expect(await page.getByTestId('no-network').textContent()).toContain(
        'Conv block 2: filters must be a whole number from 1 to 512.',
      )
      await page.getByLabel('Conv block 2 filters').fill('64')
      await expect.poll(() => page.getByTestId('no-network').count()).toBe(0)

      // Augmentation: the same training images as stored and as augmented, and they differ.
      expect(await page.getByTestId('augment-preview').textContent()).toContain('No augmentation')
      await page.getByLabel('Rotation (°)').fill('15')
      await page.getByLabel('Shift', { exact: true }).fill('0.1')
      await expect
        .poll(() => previewPixels(page, 'Augmented images').then((p) => p.length), { timeout: 20_000 })
        .toBe(10)
      const stored = await previewPixels(page, 'Stored images')
      const augmented = await previewPixels(page, 'Augmented images')
      expect(stored[0].some((v) => v > 0)).toBe(true)
      expect(augmented.filter((image, i) => image.join() !== stored[i].join()).length).toBeGreaterThan(5)

      // The schedule's curve: flat when constant, falling along a cosine.
      await page.getByLabel('Epochs', { exact: true }).fill('10')
      const flat = await curve(page)
      expect(new Set([...flat!.matchAll(/,([\d.]+)/g)].map((m) => m[1]))).toEqual(new Set(['0.0']))
      await page.getByLabel('Schedule', { exact: true }).selectOption('cosine')
      await page.getByLabel('Warm-up epochs').fill('1')
      const cosine = await curve(page)
      expect(cosine).not.toBe(flat)
      expect(cosine).toMatch(/^M0\.0,\d\d/)
      // A warm-up into a cosine peaks a hair below the rate: 1e-4 x (1 + cos(0.1 pi)) / 2.
      expect(
        await page
          .getByRole('img', { name: 'Schedule curve: the rate over 10 epochs, peak 9.76e-5' })
          .count(),
      ).toBe(1)

      await page.getByRole('heading', { name: 'Learning-rate schedule' }).scrollIntoViewIfNeeded()
      await screenshot(page, `new-run-recipe-${scheme}`)
      await page.getByRole('heading', { name: 'Layers', exact: true }).scrollIntoViewIfNeeded()
      await screenshot(page, `new-run-architecture-${scheme}`)
      await expectReadable(page, scheme)
      expect(await unlabelledControls(page)).toEqual([])
      expect(pageErrors(page)).toEqual([])
      await page.context().close()
    }
  })

  it('keeps the form across a reload, warns of a far-off rate, starts on Ctrl+Enter and reopens a run’s settings', async () => {
    const page = await openPage(browser)
    await page.goto(shell.url)
    await page.getByRole('button', { name: 'Quick look' }).click()
    await page.getByLabel('Training images').fill('300')
    await page.getByLabel('Validation split').fill('0.2')
    await page.getByLabel('Rotation (°)').fill('5')
    await page.getByLabel('Run name').fill('kept over a reload')

    // A reload shows the form as it was left, not the Notebook preset.
    await page.reload()
    expect(await page.getByLabel('Training images').inputValue()).toBe('300')
    expect(await page.getByLabel('Validation split').inputValue()).toBe('0.2')
    expect(await page.getByLabel('Rotation (°)').inputValue()).toBe('5')
    expect(await page.getByLabel('Run name').inputValue()).toBe('kept over a reload')

    // Reset to defaults gives a fresh name too.
    await page.getByRole('button', { name: 'Reset to defaults' }).click()
    expect(await page.getByLabel('Run name').inputValue()).toBe('')
    expect(await page.getByLabel('Training images').inputValue()).toBe('')
    await page.getByRole('button', { name: 'Quick look' }).click()
    await page.getByLabel('Training images').fill('300')
    await page.getByLabel('Rotation (°)').fill('5')
    await page.getByLabel('Run name').fill('from the keyboard')

    // A learning rate of 10 with Adam warns before the run starts; a usual one does not.
    await page.getByLabel('Learning rate').fill('10')
    expect(await page.getByTestId('rate-warning').textContent()).toContain(
      'A learning rate of 10 is far above the usual 1e-6 to 0.05 for adam',
    )
    await screenshot(page, 'new-run-rate-warning-light')
    await page.getByLabel('Learning rate').fill('1e-3')
    expect(await page.getByTestId('rate-warning').count()).toBe(0)

    // Ctrl+Enter from inside a field starts the run.
    await page.getByLabel('Epochs', { exact: true }).press('Control+Enter')
    await page.waitForURL(/#\/runs\/[^/]+$/)
    const id = decodeURIComponent(page.url().split('#/runs/')[1])
    await expect
      .poll(() => page.getByRole('main').getByTestId('run-status').textContent(), { timeout: 120_000 })
      .toBe('completed')
    await expect
      .poll(() => page.getByTestId('test-accuracy').textContent(), { timeout: 10_000 })
      .toMatch(/^\d+\.\d\d%$/)
    expect(await page.getByTestId('config-augmentation').textContent()).toBe('rotation 5°')
    expect(await page.getByTestId('config-validation').textContent()).toBe(
      '10% of the training images, held out',
    )
    await page.getByRole('heading', { name: 'Configuration' }).scrollIntoViewIfNeeded()
    await screenshot(page, 'run-recipe-light')

    // New run from this one: the form shows its settings, under a fresh name.
    await page.getByRole('link', { name: 'New run from this one' }).click()
    await page.waitForURL(/#\/new$/)
    await expect.poll(() => page.getByLabel('Training images').inputValue()).toBe('300')
    expect(await page.getByLabel('Rotation (°)').inputValue()).toBe('5')
    expect(await page.getByLabel('Learning rate').inputValue()).toBe('1e-3')
    expect(await page.getByLabel('Run name').inputValue()).toBe('')

    // The same from the address, in another window: #/new?from=ID.
    const other = await openPage(browser, 'dark')
    await other.goto(`${shell.url}#/runs/${encodeURIComponent(id)}`)
    await expect.poll(() => other.getByTestId('test-accuracy').textContent()).toMatch(/^\d+\.\d\d%$/)
    await other.getByRole('heading', { name: 'Configuration' }).scrollIntoViewIfNeeded()
    await screenshot(other, 'run-recipe-dark')
    await expectReadable(other, 'dark')
    await other.goto(`${shell.url}#/new?from=${encodeURIComponent(id)}`)
    await expect.poll(() => other.getByLabel('Training images').inputValue()).toBe('300')
    expect(await other.getByLabel('Epochs', { exact: true }).inputValue()).toBe('1')
    expect(other.url()).toMatch(/#\/new$/)
    expect(pageErrors(page)).toEqual([])
    expect(pageErrors(other)).toEqual([])
  })
})
