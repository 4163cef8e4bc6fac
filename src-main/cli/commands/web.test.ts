import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeRenderer, freePort, isListening, ROOT, startWebProcess, upgradeAndReset } from './testing'
import { startWeb } from './web'

let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-web-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('web', () => {
  it('exits non-zero with a sentence and leaves no port open when its start fails', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    mkdirSync(join(home, 'settings.json')) // a folder where the settings file should be
    const port = await freePort()
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/main.ts', 'web', '--port', String(port), '--home', home],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(stderr).toMatch(
      new RegExp(`^The settings file ${join(home, 'settings.json')} could not be read: EISDIR`),
    )
    expect(code).toBe(2)
    expect(await isListening(port)).toBe(false)
  })

  it('starts on a corrupt settings file, keeping it aside and saying where', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    writeFileSync(join(home, 'settings.json'), '{"theme": "dark",')
    const stderr = new PassThrough()
    let said = ''
    stderr.on('data', (d: Buffer) => (said += d.toString()))
    const web = await startWeb({
      home,
      port: 0,
      staticDir: fakeRenderer(),
      io: { stdout: new PassThrough(), stderr },
    })
    try {
      const aside = readdirSync(home).find((name) => name.startsWith('settings.json.corrupt-'))
      expect(said).toContain(`it is kept as ${join(home, aside ?? '?')}`)
      const url = new URL(web.url)
      const answer = await fetch(`${url.origin}/api/settings.get`, {
        method: 'POST',
        headers: { 'x-workbench-token': url.searchParams.get('token') ?? '' },
      })
      expect(await answer.json()).toMatchObject({ ok: true, value: { theme: 'system' } })
    } finally {
      await web.close()
    }
  })

  it('survives hundreds of token-less WebSocket upgrades reset while it refuses them', async () => {
    const shell = await startWebProcess(await mkdtemp(join(root, 'home-')))
    try {
      for (let round = 0; round < 4; round++) {
        await Promise.all(Array.from({ length: 100 }, () => upgradeAndReset(shell.port)))
      }
      expect(shell.alive(), shell.output()).toBe(true)
      const answer = await fetch(`${shell.origin}/api/app.info`, {
        method: 'POST',
        headers: { 'x-workbench-token': shell.token },
      })
      expect(((await answer.json()) as { ok: boolean }).ok).toBe(true)
    } finally {
      await shell.stop()
    }
  })
})
