/**
 * The layer inspector against a real checkpoint: a quick run trained by the CLI (2,000 images,
 * one epoch), opened in the browser shell. Every feature map of the notebook's network shows, a
 * digit drawn with the mouse is predicted, and the test-set evaluation lists its mistakes.
 */
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
import { expectReadable, unlabelledControls } from './a11y'

let browser: Browser
let shell: Shell
let runId: string

beforeAll(async () => {
  const home = makeHome()
  const run = await trainWithCli(home, ['--train-limit', '2000', '--epochs', '1', '--learning-rate', '1e-3'])
  runId = run.id
  shell = await startShell(home)
  browser = await launchBrowser()
}, 240_000)
afterAll(async () => {
  await browser?.close()
  await shell?.stop()
})

/** Draws a "3" on the pad with the mouse: two bowls, one stroke. */
async function drawThree(page: Page) {
  const pad = page.getByRole('img', { name: 'Drawing pad' })
  await pad.scrollIntoViewIfNeeded()
  const box = (await pad.boundingBox())!
  const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const
  const path: [number, number][] = [
    [0.3, 0.22],
    [0.42, 0.14],
    [0.58, 0.14],
    [0.68, 0.24],
    [0.64, 0.38],
    [0.46, 0.48],
    [0.64, 0.56],
    [0.7, 0.7],
    [0.62, 0.84],
    [0.44, 0.88],
    [0.28, 0.8],
  ]
  await page.mouse.move(...at(...path[0]))
  await page.mouse.down()
  for (const point of path.slice(1)) await page.mouse.move(...at(...point), { steps: 6 })
  await page.mouse.up()
}

/**
 * For each layer of the feature maps, how many of its canvases are painted (every pixel opaque)
 * and how many show a picture (more than one colour) rather than one flat colour.
 */
function paintedMaps(page: Page): Promise<{ name: string; maps: number; painted: number; varied: number }[]> {
  return page.getByRole('region', { name: 'Feature maps' }).evaluate((region) =>
    [...region.querySelectorAll('[role="group"]')].map((group) => {
      const canvases = [...group.querySelectorAll('canvas')]
      let painted = 0
      let varied = 0
      for (const canvas of canvases) {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
        const colours = new Set<number>()
        let opaque = true
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] !== 255) opaque = false
          colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2])
        }
        if (opaque) painted++
        if (colours.size > 1) varied++
      }
      return { name: group.getAttribute('aria-label') ?? '', maps: canvases.length, painted, varied }
    }),
  )
}

describe('the layer inspector', () => {
  it('shows all 192 feature maps of a checkpoint, predicts a drawn digit, and evaluates the test set', async () => {
    const page = await openPage(browser)
    await page.goto(`${shell.url}#/inspect/${runId}`)
    const maps = page.getByRole('region', { name: 'Feature maps' })
    await expect.poll(() => maps.locator('canvas').count(), { timeout: 30_000 }).toBe(192)
    for (const [name, shape] of [
      ['conv1', '24×24×32'],
      ['pool1', '12×12×32'],
      ['conv2', '8×8×64'],
      ['pool2', '4×4×64'],
    ]) {
      await expect
        .poll(() => maps.getByRole('group', { name: `${name} feature maps` }).textContent())
        .toContain(shape)
    }
    expect(await page.getByTestId('prediction').textContent()).toMatch(/Predicted/)
    // The input panel opens on the image the network looks at: test image #0, not an empty pad.
    expect(await page.getByRole('radio', { name: 'Test image' }).getAttribute('aria-checked')).toBe('true')
    expect(await page.getByLabel(/Test image index/).inputValue()).toBe('0')
    // Every map is painted, and nearly all of the test digit's maps hold a picture: a map of one
    // flat colour is a filter this digit does not excite (a ReLU at zero everywhere), which a
    // network after one epoch has a few of, not a whole layer.
    const layers = await paintedMaps(page)
    expect(layers.map((l) => [l.name, l.maps, l.painted])).toEqual([
      ['conv1 feature maps', 32, 32],
      ['pool1 feature maps', 32, 32],
      ['conv2 feature maps', 64, 64],
      ['pool2 feature maps', 64, 64],
    ])
    for (const layer of layers) expect(layer.varied, layer.name).toBeGreaterThanOrEqual(0.75 * layer.maps)
    expect(await page.getByRole('list', { name: 'First conv layer filters' }).locator('canvas').count()).toBe(
      32,
    )
    await screenshot(page, 'inspect-test-image')
    await maps.screenshot({ path: join(SCREENSHOTS, 'inspect-feature-maps-test-image.png') })

    // Draw a 3; the prediction comes when the mouse is released.
    await page.getByRole('radio', { name: 'Draw' }).click()
    await drawThree(page)
    await expect
      .poll(() => page.getByRole('img', { name: /The network's input: Your image/ }).count(), {
        timeout: 10_000,
      })
      .toBe(1)
    await expect.poll(() => page.getByTestId('prediction').textContent()).toMatch(/Predicted\s*3\b/)
    await screenshot(page, 'inspect-drawn-digit')
    await expectReadable(page, 'light')
    expect(await unlabelledControls(page)).toEqual([])
    await maps.screenshot({ path: join(SCREENSHOTS, 'inspect-feature-maps-drawn-digit.png') })
    // Kept to be uploaded as an image file below (inside the pad's border).
    const pad = page.getByRole('img', { name: 'Drawing pad' })
    await pad.scrollIntoViewIfNeeded()
    const box = (await pad.boundingBox())!
    const inset = { x: box.x + 4, y: box.y + 4, width: box.width - 8, height: box.height - 8 }
    const png = await page.screenshot({ clip: inset })

    // A random test image of a chosen class.
    await page.getByRole('radio', { name: 'Random of class' }).click()
    await page.getByLabel('Class', { exact: true }).selectOption('5')
    await expect.poll(() => page.getByText(/Test image #\d+, a 5/).count(), { timeout: 10_000 }).toBe(1)

    // The drawing again, as an image file: a dark digit on light paper, inverted and framed like MNIST.
    await page.getByRole('radio', { name: 'File' }).click()
    await page
      .getByLabel(/Image file/)
      .setInputFiles({ name: 'three.png', mimeType: 'image/png', buffer: png })
    await expect
      .poll(() => page.getByRole('img', { name: /The network's input: Your image/ }).count(), {
        timeout: 10_000,
      })
      .toBe(1)
    await expect.poll(() => page.getByTestId('prediction').textContent()).toMatch(/Predicted\s*3\b/)
    await screenshot(page, 'inspect-uploaded-file')

    // A map opens large; the scale can be per map.
    await page.getByRole('radio', { name: 'Per map' }).click()
    await maps.getByRole('button', { name: 'conv1 map 1 of 32' }).click()
    const dialog = page.getByRole('dialog', { name: /conv1 · map 1 of 32/ })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    await dialog.getByRole('button', { name: 'Next map' }).click()
    await expect.poll(() => page.getByRole('dialog', { name: /map 2 of 32/ }).isVisible()).toBe(true)
    // The arrow keys step too, wherever the focus is in the dialog (on a button here).
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.getByRole('dialog', { name: /map 3 of 32/ }).isVisible()).toBe(true)
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('ArrowLeft')
    await expect.poll(() => page.getByRole('dialog', { name: /map 32 of 32/ }).isVisible()).toBe(true)
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.getByRole('dialog', { name: /map 2 of 32/ }).isVisible()).toBe(true)
    await screenshot(page, 'inspect-map-dialog')
    expect(await unlabelledControls(page)).toEqual([])
    await expectReadable(page, 'light')
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click()

    // The test-set evaluation, with progress, a confusion matrix and its cells' images.
    await page.getByRole('button', { name: 'Evaluate test set' }).last().click()
    await expect.poll(() => page.getByText('Test accuracy').count(), { timeout: 90_000 }).toBe(1)
    const cells = page.getByRole('button', { name: /^True \d, predicted \d: \d+ images$/ })
    expect(await cells.count()).toBe(100)
    let total = 0
    for (const label of await cells.evaluateAll((buttons) =>
      buttons.map((b) => b.getAttribute('aria-label') ?? ''),
    ))
      total += Number(/: (\d+) images/.exec(label)![1])
    expect(total).toBe(10000)
    // The per-class report: precision, recall and F1 of each of the ten classes, as percentages.
    const matrix = page.getByRole('table', { name: /^Confusion matrix/ })
    expect((await matrix.getByRole('columnheader').allTextContents()).map((h) => h.trim())).toEqual(
      expect.arrayContaining(['Precision', 'Recall', 'F1']),
    )
    const scores = await matrix.locator('td.acc').allTextContents()
    expect(scores).toHaveLength(30)
    for (const score of scores) expect(score.trim()).toMatch(/^\d{1,3}\.\d%$|^—$/)
    const mistakes = page.getByRole('region', { name: 'Every mistake, most confident first' })
    await expect.poll(() => mistakes.locator('canvas').count(), { timeout: 10_000 }).toBeGreaterThan(10)
    await page.getByRole('button', { name: /^True 3, predicted 3: / }).click()
    await expect
      .poll(() => page.getByRole('region', { name: '3 recognised as 3' }).locator('canvas').count())
      .toBe(60)
    const evaluation = page.getByRole('region', { name: 'Test-set evaluation' })
    await evaluation.scrollIntoViewIfNeeded()
    await screenshot(page, 'inspect-evaluation')
    await expectReadable(page, 'light')

    // A mistake from the gallery goes back up to the inspector, and the input panel leaves the
    // Draw tab (still holding the 3) for the mistake the network now looks at.
    await page.getByRole('radio', { name: 'Draw' }).click()
    await page.getByRole('button', { name: /^True 3, predicted 3: / }).click()
    await mistakes.getByRole('button').first().click()
    await expect.poll(() => page.getByText(/— wrong/).count()).toBe(1)
    expect(await page.getByRole('radio', { name: 'Mistake' }).getAttribute('aria-checked')).toBe('true')
    expect(await page.getByText(/Mistake \d+ of \d+, most confident first/).count()).toBe(1)
    expect(await page.getByRole('img', { name: 'Drawing pad' }).isVisible()).toBe(false)
    await screenshot(page, 'inspect-mistake-from-gallery')

    expect(pageErrors(page)).toEqual([])
  })

  it('reads well in the dark theme', async () => {
    const page = await openPage(browser, 'dark')
    await page.goto(`${shell.url}#/inspect/${runId}`)
    const maps = page.getByRole('region', { name: 'Feature maps' })
    await expect.poll(() => maps.locator('canvas').count(), { timeout: 30_000 }).toBe(192)
    await page.getByRole('radio', { name: 'Draw' }).click()
    await drawThree(page)
    await expect
      .poll(() => page.getByRole('img', { name: /The network's input: Your image/ }).count(), {
        timeout: 10_000,
      })
      .toBe(1)
    await expect.poll(() => page.getByTestId('prediction').textContent()).toMatch(/Predicted\s*3\b/)
    await screenshot(page, 'inspect-dark')
    await expectReadable(page, 'dark')
    // The evaluation (kept from the first test) with its shaded confusion matrix, in the dark.
    await page.getByRole('button', { name: 'Evaluate test set' }).last().click()
    await expect.poll(() => page.getByText('Test accuracy').count(), { timeout: 90_000 }).toBe(1)
    await page.getByRole('region', { name: 'Test-set evaluation' }).scrollIntoViewIfNeeded()
    await screenshot(page, 'inspect-evaluation-dark')
    await expectReadable(page, 'dark')
    expect(pageErrors(page)).toEqual([])
  })
})
