import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { RequestHandlers } from '@common/contract'
import { MAX_REQUEST_BYTES, inspectActivationsRequestSchema } from '@common/requests'
import { startWebShell, type WebShell } from './server'

const handlers = {
  'settings.get': async () => ({ backend: 'wasm' }),
  'inspect.activations': async ({ image }: { image: { pixelsBase64: string } }) => ({
    received: image.pixelsBase64.length,
  }),
} as unknown as RequestHandlers

function staticDir() {
  const dir = mkdtempSync(join(tmpdir(), 'renderer-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>CNN Workbench</title>')
  return dir
}

let shell: WebShell | null = null
afterEach(async () => {
  await shell?.close()
  shell = null
})

async function start() {
  shell = await startWebShell({ staticDir: staticDir(), port: 0, token: 'secret-token' })
  shell.serve(handlers)
  return shell
}

describe('web shell', () => {
  it('listens on 127.0.0.1 and prints a URL carrying the token', async () => {
    const s = await start()
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/?token=secret-token`)
  })

  it('answers /api/ without the right token with 401', async () => {
    const s = await start()
    const base = `http://127.0.0.1:${s.port}/api/settings.get`
    expect((await fetch(base, { method: 'POST' })).status).toBe(401)
    expect((await fetch(base, { method: 'POST', headers: { 'x-workbench-token': 'wrong' } })).status).toBe(
      401,
    )
    const ok = await fetch(base, { method: 'POST', headers: { 'x-workbench-token': 'secret-token' } })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ ok: true, value: { backend: 'wasm' } })
  })

  it('names the bad field with 400 and refuses a foreign Host header', async () => {
    const s = await start()
    const headers = { 'x-workbench-token': 'secret-token' }
    const bad = await fetch(`http://127.0.0.1:${s.port}/api/runs.get`, {
      method: 'POST',
      headers,
      body: '{"id":""}',
    })
    expect(bad.status).toBe(200)
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('id')
    const notJson = await fetch(`http://127.0.0.1:${s.port}/api/runs.get`, {
      method: 'POST',
      headers,
      body: '{',
    })
    expect(notJson.status).toBe(400)
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve) => {
      const req = request(
        { port: s.port, host: '127.0.0.1', path: '/', headers: { host: 'evil.example' } },
        (res) => resolve(res.statusCode ?? 0),
      )
      req.end()
    })
    expect(status).toBe(421)
  })

  it('serves the app for any view path and 404s missing assets', async () => {
    const s = await start()
    const page = await fetch(`http://127.0.0.1:${s.port}/runs/abc`)
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(await page.text()).toContain('CNN Workbench')
    expect((await fetch(`http://127.0.0.1:${s.port}/assets/missing.js`)).status).toBe(404)
    const escape = await fetch(`http://127.0.0.1:${s.port}/..%2f..%2f..%2fetc/passwd`)
    expect(await escape.text()).not.toContain('root:')
  })

  it('pushes events over the WebSocket only to token holders', async () => {
    const s = await start()
    const refused = new WebSocket(`ws://127.0.0.1:${s.port}/api/events?token=nope`)
    const refusal = await new Promise<string>((resolve) => {
      refused.on('error', (e) => resolve(e.message))
      refused.on('open', () => resolve('opened'))
    })
    expect(refusal).toMatch(/401/)
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api/events?token=secret-token`)
    await new Promise((resolve) => ws.on('open', resolve))
    const received = new Promise<unknown>((resolve) =>
      ws.on('message', (d) => resolve(JSON.parse(String(d)))),
    )
    s.emit('runs.changed', { runId: 'r1' })
    expect(await received).toEqual({ channel: 'runs.changed', payload: { runId: 'r1' } })
    ws.close()
  })
})

/** Sends raw bytes and resolves with everything the server answered before it closed. */
async function raw(port: number, bytes: string): Promise<string> {
  const { connect } = await import('node:net')
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    let answer = ''
    socket.on('data', (d) => (answer += d.toString()))
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
  })
}

describe('web shell under malformed input', () => {
  it('answers malformed percent-encoding with 400 and logs nothing', async () => {
    const logged: unknown[] = []
    shell = await startWebShell({
      staticDir: staticDir(),
      port: 0,
      token: 'secret-token',
      logError: (_where, error) => logged.push(error),
    })
    shell.serve(handlers)
    const page = await fetch(`http://127.0.0.1:${shell.port}/%E0%A4%A`)
    expect(page.status).toBe(400)
    expect(await page.json()).toEqual({
      ok: false,
      error: { code: 'invalid', message: 'The path is not valid percent-encoding.' },
    })
    const api = await fetch(`http://127.0.0.1:${shell.port}/api/runs.%ZZ`, {
      method: 'POST',
      headers: { 'x-workbench-token': 'secret-token' },
    })
    expect(api.status).toBe(400)
    expect(logged).toEqual([])
  })

  it('answers a request target that is no URL with 400, as a request or an upgrade', async () => {
    const s = await start()
    const host = `Host: 127.0.0.1:${s.port}\r\n`
    const plain = await raw(s.port, `GET http://[ HTTP/1.1\r\n${host}Connection: close\r\n\r\n`)
    expect(plain).toMatch(/^HTTP\/1\.1 400 /)
    const upgrade = await raw(
      s.port,
      `GET http://[ HTTP/1.1\r\n${host}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    )
    expect(upgrade).toMatch(/^HTTP\/1\.1 400 /)
    expect((await fetch(`http://127.0.0.1:${s.port}/`)).status).toBe(200)
  })

  it('answers bytes that are not HTTP with 400 and keeps serving', async () => {
    const s = await start()
    expect(await raw(s.port, 'HELLO THERE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /)
    expect((await fetch(`http://127.0.0.1:${s.port}/`)).status).toBe(200)
  })
})

describe('the body limit', () => {
  const pixels = inspectActivationsRequestSchema.shape.image.options[2].shape.pixelsBase64
  const longest = pixels.maxLength ?? 0

  it('lets through the largest image the request schema allows', async () => {
    const s = await start()
    const body = JSON.stringify({
      runId: 'r1',
      image: {
        kind: 'pixels',
        width: 1024,
        height: 1024,
        pixelsBase64: 'A'.repeat(longest),
        preprocess: 'resize',
      },
    })
    const answer = await fetch(`http://127.0.0.1:${s.port}/api/inspect.activations`, {
      method: 'POST',
      headers: { 'x-workbench-token': 'secret-token' },
      body,
    })
    expect(answer.status).toBe(200)
    expect(await answer.json()).toEqual({ ok: true, value: { received: longest } })
  })

  it('refuses a body past it with 413', async () => {
    const s = await start()
    const answer = await fetch(`http://127.0.0.1:${s.port}/api/inspect.activations`, {
      method: 'POST',
      headers: { 'x-workbench-token': 'secret-token' },
      body: 'x'.repeat(MAX_REQUEST_BYTES + 1),
    })
    expect(answer.status).toBe(413)
  })
})
