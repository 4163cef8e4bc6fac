import { describe, expect, it, vi } from 'vitest'
import { REQUEST_CHANNELS } from '@common/channels'
import type { RequestHandlers } from '@common/contract'
import { readHomeFlag } from './argv'
import { isTrustedSender, registerIpcHandlers } from './ipc'

/** A top frame showing `url` (a frame with no parent). */
const top = (url: string) => ({ url, parent: null })

describe('isTrustedSender', () => {
  const fileApp = 'file:///opt/app/out/renderer/index.html'
  it('accepts only the app page itself', () => {
    expect(isTrustedSender(top(fileApp), fileApp)).toBe(true)
    expect(isTrustedSender(top('file:///opt/app/out/renderer/index.html#/runs'), fileApp)).toBe(true)
    expect(isTrustedSender(top('file:///tmp/evil.html'), fileApp)).toBe(false)
    expect(isTrustedSender(top('https://example.com/'), fileApp)).toBe(false)
    expect(isTrustedSender(undefined, fileApp)).toBe(false)
    expect(isTrustedSender(null, fileApp)).toBe(false)
  })
  it('refuses a frame inside a page, even one showing the app', () => {
    expect(isTrustedSender({ url: fileApp, parent: top('https://example.com/') }, fileApp)).toBe(false)
    expect(isTrustedSender({ url: fileApp, parent: top(fileApp) }, fileApp)).toBe(false)
  })
  it('compares origins for the dev server', () => {
    expect(isTrustedSender(top('http://localhost:5173/#/runs'), 'http://localhost:5173/')).toBe(true)
    expect(isTrustedSender(top('http://localhost:5174/'), 'http://localhost:5173/')).toBe(false)
  })
})

describe('registerIpcHandlers', () => {
  it('registers every channel of the contract and refuses foreign senders', async () => {
    const registered = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>()
    const ipcMain = { handle: vi.fn((channel: string, fn) => registered.set(channel, fn)) }
    const handlers = { 'settings.get': async () => ({ backend: 'auto' }) } as unknown as RequestHandlers
    const appUrl = 'file:///app/index.html'
    registerIpcHandlers(ipcMain, handlers, appUrl, () => undefined)
    expect([...registered.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort())
    const settingsGet = registered.get('settings.get')!
    expect(await settingsGet({ senderFrame: top(appUrl) }, undefined)).toEqual({
      ok: true,
      value: { backend: 'auto' },
    })
    const refused = (await settingsGet({ senderFrame: top('https://evil.example/') }, undefined)) as {
      ok: boolean
    }
    expect(refused.ok).toBe(false)
    const framed = (await settingsGet({ senderFrame: { url: appUrl, parent: top(appUrl) } }, undefined)) as {
      ok: boolean
    }
    expect(framed.ok).toBe(false)
  })
})

describe('readHomeFlag', () => {
  it('reads both spellings', () => {
    expect(readHomeFlag(['electron', '.', '--home', '/x'])).toBe('/x')
    expect(readHomeFlag(['electron', '.', '--home=/y'])).toBe('/y')
    expect(readHomeFlag(['electron', '.'])).toBeUndefined()
  })
})
