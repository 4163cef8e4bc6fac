/**
 * Starts the browser shell (the built app, `node out/main/cli.js web`) on a free port with a
 * throwaway home, and Debian's Chromium through playwright-core.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { RunRecord } from '@common/contract'

export const ROOT = resolve(__dirname, '..')
export const SCREENSHOTS = join(ROOT, 'e2e', 'screenshots')

export interface Shell {
  url: string
  origin: string
  token: string
  home: string
  process: ChildProcess
  /** Everything the shell printed, for failure messages. */
  output: () => string
  stop(): Promise<void>
}

/** A new empty home folder for one test. */
export function makeHome(): string {
  return mkdtempSync(join(tmpdir(), 'workbench-e2e-'))
}

/** Start `cli.js web --port 0 --home <home>` and wait for the URL it prints. */
export async function startShell(home = makeHome()): Promise<Shell> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'out/main/cli.js'), 'web', '--port', '0', '--home', home],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`web shell did not start:\n${output}`)), 30_000)
    const check = () => {
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolveUrl(match[1])
      }
    }
    child.stdout.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`web shell exited with ${code}:\n${output}`))
    })
  })
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    home,
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done()
        child.once('exit', () => done())
        child.kill('SIGTERM')
      }),
  }
}

/** Calls the shell's API as the page does; a refused request throws with its sentence. */
export async function callApi<T>(shell: Shell, channel: string, input?: unknown): Promise<T> {
  const response = await fetch(`${shell.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-workbench-token': shell.token },
    body: input === undefined ? '' : JSON.stringify(input),
  })
  const result = (await response.json()) as { ok: boolean; value: T; error?: { message: string } }
  if (!result.ok) throw new Error(`${channel}: ${result.error?.message}`)
  return result.value
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}

/** A page at 1400x900 in the given colour scheme, failing the test on any page error. */
export async function openPage(browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme })
  const page = await context.newPage()
  const errors: string[] = []
  errorsOf.set(page, errors)
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  return page
}

const errorsOf = new WeakMap<Page, string[]>()

/** The console errors and uncaught exceptions the page has had. */
export function pageErrors(page: Page): string[] {
  return errorsOf.get(page) ?? []
}

/** Save a screenshot under e2e/screenshots/ (kept as a CI artifact and for review). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const path = join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path, fullPage: false })
  return path
}

/** Train a run with the CLI (`cli.js train --home <home> ...flags --json`) and return its record. */
export async function trainWithCli(home: string, flags: string[]): Promise<RunRecord> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'out/main/cli.js'), 'train', '--home', home, ...flags, '--json'],
    { cwd: ROOT, timeout: 400_000, maxBuffer: 64 << 20 },
  )
  const result = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; data: RunRecord })
    .find((line) => line.event === 'result')?.data
  if (result?.status !== 'completed') throw new Error(`training did not complete:\n${stdout.slice(-2000)}`)
  return result
}
