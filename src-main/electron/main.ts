/** The desktop app's main process: one window, the IPC bridge, and the engine behind it. */
import { app, BrowserWindow, dialog, ipcMain, session, utilityProcess } from 'electron'
import Store from 'electron-store'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createWorkbench } from '../api/workbench'
import { resolveHome } from '../engine/home'
import { openSettingsStore, type DocumentStore } from '../engine/settings/store'
import { createIpcEmitter, registerIpcHandlers } from './ipc'
import { createMainWindow } from './window'
import { utilityProcessLauncher } from './trainer-launcher'
import { readHomeFlag } from './argv'

const homeFlag = readHomeFlag(process.argv)
if (homeFlag || process.env.WORKBENCH_HOME) app.setPath('userData', resolveHome(homeFlag))
const home = app.getPath('userData')

if (!app.requestSingleInstanceLock()) app.quit()

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault())
})

void app.whenReady().then(() => {
  // A corrupt settings file is kept aside by the store; the person is told where it went.
  const settings = openSettingsStore(
    join(home, 'settings.json'),
    () => new Store({ cwd: home, name: 'settings' }) as unknown as DocumentStore,
    (sentence) => void dialog.showMessageBox({ type: 'warning', message: sentence }),
  )
  const appUrl =
    process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(__dirname, '../renderer/index.html')).href
  const logError = (where: string, error: unknown) => console.error(`[${where}]`, error)
  const emit = createIpcEmitter(() => BrowserWindow.getAllWindows().map((w) => w.webContents))
  const chooseFolder = async (title: string) => {
    const parent = BrowserWindow.getFocusedWindow()
    const options = { title, properties: ['openDirectory' as const] }
    const result = parent
      ? await dialog.showOpenDialog(parent, options)
      : await dialog.showOpenDialog(options)
    return result.canceled ? null : (result.filePaths[0] ?? null)
  }
  const workbench = createWorkbench({
    home,
    shell: 'electron',
    settings,
    emit,
    chooseFolder,
    launch: utilityProcessLauncher(utilityProcess),
  })
  registerIpcHandlers(ipcMain, workbench.handlers, appUrl, logError)
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))

  const win = createMainWindow(settings.get().window, appUrl)
  const saveWindowState = () => {
    const bounds = win.getNormalBounds()
    settings.update({ window: { ...bounds, maximized: win.isMaximized() } })
  }
  win.on('close', saveWindowState)
  void win.loadURL(appUrl)

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore()
    win.focus()
  })
  app.on('window-all-closed', () => {
    void workbench.shutdown().finally(() => app.quit())
  })
})
