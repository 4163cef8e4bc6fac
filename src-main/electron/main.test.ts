/**
 * The desktop app's main process, started against a stand-in for Electron: the real one cannot
 * start on the machines that run these tests, and what is checked here is what main.ts asks of
 * Electron (locks, handlers, permissions), not what Electron then does.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { REQUEST_CHANNELS } from '@common/channels'
import type { AppInfo } from '@common/contract'
import { utilityProcessStandIn } from './utility-process.fixtures'

/** Every process this test's code started through child_process: command, arguments, env. */
const started = vi.hoisted(() => [] as { call: string; args: unknown[] }[])
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:child_process')>()
  const recorded = <F extends (...args: never[]) => unknown>(call: string, fn: F) =>
    ((...args: Parameters<F>) => {
      started.push({ call, args })
      return fn(...args)
    }) as F
  return {
    ...real,
    spawn: recorded('spawn', real.spawn),
    fork: recorded('fork', real.fork),
    execFile: recorded('execFile', real.execFile),
    execFileSync: recorded('execFileSync', real.execFileSync),
  }
})

type Handler = (...args: unknown[]) => unknown

/** An Electron module that records what main.ts asked of it. */
function fakeElectron(home: string, holdsLock: boolean) {
  const utility = utilityProcessStandIn()
  const calls: string[] = []
  const appHandlers = new Map<string, Handler>()
  const ipcChannels: string[] = []
  const ipcHandlers = new Map<string, Handler>()
  const permissions: { request?: Handler; check?: Handler } = {}
  let ready: () => void = () => undefined
  const readyPromise = new Promise<void>((resolve) => (ready = resolve))
  class BrowserWindow {
    static getAllWindows = () => []
    static getFocusedWindow = () => null
    webContents = { setWindowOpenHandler: () => undefined, on: () => undefined }
    maximize() {}
    once() {}
    on() {}
    loadURL = async () => undefined
    getNormalBounds = () => ({ x: 0, y: 0, width: 1400, height: 900 })
    isMaximized = () => false
    isMinimized = () => false
  }
  const electron = {
    app: {
      setPath: () => undefined,
      getPath: () => home,
      requestSingleInstanceLock: () => {
        calls.push('requestSingleInstanceLock')
        return holdsLock
      },
      quit: () => calls.push('quit'),
      exit: (code: number) => calls.push(`exit ${code}`),
      on: (event: string, handler: Handler) => {
        calls.push(`on ${event}`)
        appHandlers.set(event, handler)
      },
      whenReady: () => {
        calls.push('whenReady')
        return readyPromise
      },
    },
    BrowserWindow,
    dialog: {
      showMessageBox: async () => ({ response: 0 }),
      showOpenDialog: async () => ({ canceled: true }),
      showErrorBox: (title: string, content: string) => calls.push(`showErrorBox ${title}: ${content}`),
    },
    ipcMain: {
      handle: (channel: string, handler: Handler) => {
        ipcChannels.push(channel)
        ipcHandlers.set(channel, handler)
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Handler) => (permissions.request = handler),
        setPermissionCheckHandler: (handler: Handler) => (permissions.check = handler),
      },
    },
    shell: { openExternal: async () => undefined },
    utilityProcess: utility.utility,
  }
  return { electron, calls, appHandlers, ipcChannels, ipcHandlers, permissions, ready, forks: utility.forks }
}

/** A settings document in memory, standing in for electron-store. */
class MemoryStore {
  store: Record<string, unknown> = {}
  path = 'settings.json'
}

/** electron-store over a settings file that cannot be read at all. */
class UnreadableStore {
  constructor() {
    throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })
  }
}

let home: string
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'cnn-desktop-'))
  vi.resetModules()
})
afterEach(async () => {
  vi.doUnmock('electron')
  vi.doUnmock('electron-store')
  await rm(home, { recursive: true, force: true })
})

async function startMain(holdsLock: boolean, Store: new () => unknown = MemoryStore) {
  const fake = fakeElectron(home, holdsLock)
  vi.doMock('electron', () => fake.electron)
  vi.doMock('electron-store', () => ({ default: Store }))
  await import('./main')
  return fake
}

describe('the desktop main process', () => {
  it('quits and does nothing more when another instance holds the lock', async () => {
    const fake = await startMain(false)
    fake.ready()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(fake.calls).toEqual(['requestSingleInstanceLock', 'quit'])
    expect(fake.ipcChannels).toEqual([])
  })

  it('holding the lock, serves every channel and refuses every permission, asked or checked', async () => {
    const fake = await startMain(true)
    expect(fake.calls).not.toContain('quit')
    fake.ready()
    await vi.waitFor(() => expect(fake.ipcChannels.length).toBe(REQUEST_CHANNELS.length))
    expect([...fake.appHandlers.keys()]).toEqual(
      expect.arrayContaining(['web-contents-created', 'second-instance', 'window-all-closed']),
    )
    const answers: boolean[] = []
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation']) {
      fake.permissions.request?.({}, permission, (granted: boolean) => answers.push(granted))
      answers.push(fake.permissions.check?.({}, permission, 'file:///') as boolean)
    }
    expect(answers).toEqual(Array(8).fill(false))
  })

  it("asks the GPU adapter probe through a utility process, never the app's binary run as Node", async () => {
    // In the packaged app the RunAsNode fuse is off: process.execPath with ELECTRON_RUN_AS_NODE
    // would start a second copy of the app. This process plays Electron for the test.
    Object.defineProperty(process.versions, 'electron', { value: '0.0.0-stand-in', configurable: true })
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173/'
    try {
      const fake = await startMain(true)
      fake.ready()
      await vi.waitFor(() => expect(fake.ipcHandlers.has('app.info')).toBe(true))
      const answer = (await fake.ipcHandlers.get('app.info')!(
        { senderFrame: { url: 'http://localhost:5173/', parent: null } },
        undefined,
      )) as { ok: true; value: AppInfo }
      const envOf = (arg: unknown) =>
        typeof arg === 'object' && arg ? (arg as { env?: object }).env : undefined
      const asNode = started.filter(({ args }) =>
        args.some((arg) => arg === process.execPath || 'ELECTRON_RUN_AS_NODE' in (envOf(arg) ?? {})),
      )
      expect(asNode).toEqual([])
      const webgpu = answer.value.backend.candidates.find((c) => c.name === 'webgpu')
      expect(webgpu?.adapter).toMatchObject({ api: 'OpenGLES', software: true })
      expect(fake.forks.map((f) => [f.serviceName, f.modulePath])).toEqual([
        ['CNN Workbench GPU probe', expect.stringMatching(/probe-entry\.ts$/)],
      ])
      // The recorder does see this process's starts: the stand-in's fork is one.
      expect(started.map((s) => s.call)).toContain('fork')
    } finally {
      delete (process.versions as Record<string, string | undefined>).electron
      delete process.env.ELECTRON_RENDERER_URL
    }
  })

  it('says why and exits non-zero when it cannot start', async () => {
    const fake = await startMain(true, UnreadableStore)
    fake.ready()
    await vi.waitFor(() => expect(fake.calls).toContain('exit 1'))
    expect(fake.calls).toContain(
      `showErrorBox CNN Workbench could not start: The settings file ${join(home, 'settings.json')} could not be read: EACCES: permission denied.`,
    )
    expect(fake.ipcChannels).toEqual([])
  })
})
