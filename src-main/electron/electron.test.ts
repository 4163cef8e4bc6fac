import { describe, expect, it, vi } from 'vitest'
import { REQUEST_CHANNELS } from '@common/channels'
import type { RequestHandlers } from '@common/contract'
import { readHomeFlag } from './argv'
import { isTrustedSender, registerIpcHandlers } from './ipc'

describe('isTrustedSender', () => {
  const fileApp = 'file:///opt/app/out/renderer/index.html'
  it('accepts only the app page itself', () => {
    expect(isTrustedSender(fileApp, fileApp)).toBe(true)
    expect(isTrustedSender('file:///opt/app/out/renderer/index.html#/runs', fileApp)).toBe(true)
    expect(isTrustedSender('file:///tmp/evil.html', fileApp)).toBe(false)
    expect(isTrustedSender('https://example.com/', fileApp)).toBe(false)
    expect(isTrustedSender(undefined, fileApp)).toBe(false)
  })
  it('compares origins for the dev server', () => {
    expect(isTrustedSender('http://localhost:5173/#/runs', 'http://localhost:5173/')).toBe(true)
    expect(isTrustedSender('http://localhost:5174/', 'http://localhost:5173/')).toBe(false)
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
    expect(await settingsGet({ senderFrame: { url: appUrl } }, undefined)).toEqual({
      ok: true,
      value: { backend: 'auto' },
    })
    const refused = (await settingsGet({ senderFrame: { url: 'https://evil.example/' } }, undefined)) as {
      ok: boolean
    }
    expect(refused.ok).toBe(false)
  })
})

describe('readHomeFlag', () => {
  it('reads both spellings', () => {
    expect(readHomeFlag(['electron', '.', '--home', '/x'])).toBe('/x')
    expect(readHomeFlag(['electron', '.', '--home=/y'])).toBe('/y')
    expect(readHomeFlag(['electron', '.'])).toBeUndefined()
  })
})
