/** The desktop app's main process: one window, the IPC bridge, and the engine behind it. */
import { app, BrowserWindow, dialog, ipcMain, session, utilityProcess } from 'electron'
import Store from 'electron-store'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createWorkbench } from '../api/workbench'
import { setProbeLauncher } from '../engine/backend/webgpu/adapter-answer'
import { errorMessage } from '../engine/errors'
import { resolveHome } from '../engine/home'
import { SETTINGS_FILE_MODE, openSettingsStore, type DocumentStore } from '../engine/settings/store'
import { createIpcEmitter, registerIpcHandlers } from './ipc'
import { createMainWindow } from './window'
import { utilityProcessLauncher } from './trainer-launcher'
import { utilityProbeLauncher } from './probe-launcher'
import { readHomeFlag } from './argv'

const homeFlag = readHomeFlag(process.argv)
if (homeFlag || process.env.WORKBENCH_HOME) app.setPath('userData', resolveHome(homeFlag))
const home = app.getPath('userData')

// A second instance hands over to the first (its 'second-instance' focuses the window) and runs
// nothing: app.quit() only asks Electron to quit, so nothing below may start after it.
if (app.requestSingleInstanceLock()) startApp()
else app.quit()

function startApp(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
  void app
    .whenReady()
    .then(onReady)
    .catch((error: unknown) => {
      // Nothing is usable without settings, the workbench or the window: say why and end.
      dialog.showErrorBox('CNN Workbench could not start', errorMessage(error))
      app.exit(1)
    })
}

/** Everything that needs Electron ready: settings, the workbench, IPC, permissions and the window. */
function onReady(): void {
  // The GPU adapter probe runs as a utility process (one can start only once the app is ready);
  // trainers get its answer in their start message (trainer-launcher.ts).
  setProbeLauncher(utilityProbeLauncher(utilityProcess))
  // A corrupt settings file is kept aside by the store; the person is told where it went.
  const settings = openSettingsStore(
    join(home, 'settings.json'),
    () =>
      new Store({
        cwd: home,
        name: 'settings',
        configFileMode: SETTINGS_FILE_MODE,
      }) as unknown as DocumentStore,
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
    logError,
  })
  registerIpcHandlers(ipcMain, workbench.handlers, appUrl, logError)
  // The workbench needs no permission: refuse every request, and answer every check (which
  // pages make without asking, e.g. for notifications or the clipboard) with no.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)

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
}
