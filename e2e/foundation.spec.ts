import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { join } from 'node:path'
import { expectReadable, textContrastFailures, unlabelledControls } from './a11y'
import {
  SCREENSHOTS,
  launchBrowser,
  makeHome,
  openPage,
  pageErrors,
  screenshot,
  startShell,
  type Shell,
} from './harness'

let browser: Browser
const shells: Shell[] = []

beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await Promise.all(shells.map((s) => s.stop()))
  await browser?.close()
})

/** Goes to the Settings view through the sidebar. */
async function openSettings(page: Page): Promise<void> {
  await page
    .getByRole('link', { name: 'Settings' })
    .or(page.getByRole('button', { name: 'Settings' }))
    .first()
    .click()
}

async function shell(home?: string) {
  const s = await startShell(home)
  shells.push(s)
  return s
}

describe('the app shell', () => {
  it('loads, shows the app info with the chosen backend and why the better ones are not used', async () => {
    const s = await shell()
    const page = await openPage(browser)
    await page.goto(s.url)
    const panel = page.getByRole('region', { name: 'Compute backend' })
    await expect
      .poll(() => panel.getByTestId('backend-selected').textContent(), { timeout: 20_000 })
      .toBe('wasm')
    const why = panel.getByRole('list', { name: 'Why better backends are not used' })
    expect(await why.textContent()).toMatch(/tensorflow-gpu.*not installed/s)
    // Dawn finds only Mesa's llvmpipe here: the panel names it and says why wasm runs instead.
    const webgpu = why.getByRole('listitem').filter({ hasText: 'webgpu' })
    expect(await webgpu.getByTestId('gpu-adapter').textContent()).toMatch(
      /llvmpipe.*Dawn on OpenGLES · software \(CPU\)/s,
    )
    expect(await webgpu.textContent()).toContain('not chosen: software adapter, wasm is faster on the CPU')
    await panel.screenshot({ path: join(SCREENSHOTS, 'foundation-backend-panel.png') })
    for (const section of ['New run', 'Runs', 'Compare', 'Settings']) {
      expect(
        await page
          .getByRole('link', { name: section })
          .or(page.getByRole('button', { name: section }))
          .count(),
      ).toBeGreaterThan(0)
    }
    // The token was moved out of the address bar.
    expect(page.url()).not.toContain('token=')
    await screenshot(page, 'foundation-shell')
    await expectReadable(page, 'light')
    expect(await unlabelledControls(page)).toEqual([])
    expect(pageErrors(page)).toEqual([])
  })

  it('has page checks that find a nameless control, a label pointing nowhere and faint text', async () => {
    const s = await shell()
    const page = await openPage(browser, 'dark')
    await page.goto(s.url)
    await page.getByRole('region', { name: 'Compute backend' }).waitFor()
    await expectReadable(page, 'dark')
    await page.evaluate(() => {
      const main = document.querySelector('main')!
      main.insertAdjacentHTML(
        'afterbegin',
        '<button id="nameless" type="button"></button>' +
          '<input id="orphan" aria-labelledby="no-such-id">' +
          '<p id="faint">Hard to read</p>',
      )
      // Through the CSSOM: the page's CSP refuses inline style attributes.
      document.getElementById('faint')!.style.color = '#2a2d33'
    })
    const problems = await unlabelledControls(page)
    expect(problems).toHaveLength(3)
    expect(problems.filter((p) => p.includes('aria-labelledby="no-such-id" names no element'))).toHaveLength(
      1,
    )
    expect(problems.filter((p) => p.startsWith('button without a name'))).toHaveLength(1)
    expect(problems.filter((p) => p.startsWith('textbox without a name'))).toHaveLength(1)
    const faint = await textContrastFailures(page)
    expect(faint).toHaveLength(1)
    expect(faint[0]).toMatchObject({ text: 'Hard to read', required: 4.5 })
    expect(faint[0].ratio).toBeLessThan(1.5)
  })

  it('keeps a settings change across a restart of the shell', async () => {
    const home = makeHome()
    const first = await shell(home)
    const page = await openPage(browser)
    await page.goto(first.url)
    await openSettings(page)
    const select = page.getByLabel('Backend preference')
    await select.selectOption('cpu')
    await expect
      .poll(() => page.getByRole('region', { name: 'Compute backend' }).textContent())
      .toContain('forced: cpu')
    await first.stop()

    const second = await shell(home)
    await page.goto(second.url)
    await openSettings(page)
    await expect.poll(() => page.getByLabel('Backend preference').inputValue()).toBe('cpu')
    await expect.poll(() => page.getByTestId('backend-selected').textContent()).toBe('cpu')
  })

  it('forces webgpu from the settings, and the panel names the adapter it runs on', async () => {
    const s = await shell()
    const page = await openPage(browser)
    await page.goto(s.url)
    await openSettings(page)
    await page.getByLabel('Backend preference').selectOption('webgpu')
    const panel = page.getByRole('region', { name: 'Compute backend' })
    // The main side asks the adapter probe process first (a second or two).
    await expect
      .poll(() => panel.getByTestId('backend-selected').textContent(), { timeout: 20_000 })
      .toBe('webgpu')
    expect(await panel.textContent()).toContain('forced: webgpu')
    expect(await panel.getByTestId('gpu-adapter').first().textContent()).toMatch(
      /^llvmpipe.*Dawn on OpenGLES/,
    )
    await screenshot(page, 'foundation-settings-webgpu')
    expect(pageErrors(page)).toEqual([])
  })

  it('refuses API calls without the token', async () => {
    const s = await shell()
    const refused = await fetch(`${s.origin}/api/app.info`, { method: 'POST' })
    expect(refused.status).toBe(401)
    const allowed = await fetch(`${s.origin}/api/app.info`, {
      method: 'POST',
      headers: { 'x-workbench-token': s.token },
    })
    expect(allowed.status).toBe(200)
    const info = (await allowed.json()) as { ok: boolean; value: { backend: { selected: string } } }
    expect(info.value.backend.selected).toBe('wasm')
  })
})
