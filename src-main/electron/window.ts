import { BrowserWindow, shell, type BrowserWindowConstructorOptions } from 'electron'
import { join } from 'node:path'
import type { Settings } from '@common/schemas'

/** The security settings of every window: isolated, sandboxed, no Node in the page. */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  spellcheck: false,
} as const

/** The window's bounds from the saved state, or a sensible default. */
export function windowBounds(saved: Settings['window']): BrowserWindowConstructorOptions {
  return saved
    ? { width: saved.width, height: saved.height, x: saved.x, y: saved.y }
    : { width: 1400, height: 900 }
}

/** Create the main window; new windows and navigation away from the app are denied. */
export function createMainWindow(saved: Settings['window'], appUrl: string): BrowserWindow {
  const win = new BrowserWindow({
    ...windowBounds(saved),
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'CNN Workbench',
    backgroundColor: '#111418',
    icon: join(__dirname, '../../resources/icon.png'),
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: join(__dirname, '../preload/index.js') },
  })
  if (saved?.maximized) win.maximize()
  win.once('ready-to-show', () => win.show())
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Documentation links open in the user's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== appUrl) event.preventDefault()
  })
  return win
}
