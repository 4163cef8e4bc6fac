import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** The product's folder name under the OS's per-user application data folder. */
export const APP_FOLDER_NAME = 'cnn-workbench'

/** The OS's per-user app data folder for this app (what Electron's userData would be). */
export function defaultHome(platform: NodeJS.Platform = process.platform, env = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER_NAME)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER_NAME)
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_FOLDER_NAME)
}

/** Where settings, caches and runs live: `--home`, else WORKBENCH_HOME, else the OS default. */
export function resolveHome(flag?: string, env = process.env): string {
  if (flag) return resolve(flag)
  if (env.WORKBENCH_HOME) return resolve(env.WORKBENCH_HOME)
  return defaultHome(process.platform, env)
}

/** The folders inside a home. */
export function homePaths(home: string) {
  return {
    home,
    runs: join(home, 'runs'),
    datasets: join(home, 'datasets'),
    cache: join(home, 'cache'),
    /** The trainer slot locks (runs/trainer-slots.ts). */
    trainers: join(home, 'trainers'),
  }
}
