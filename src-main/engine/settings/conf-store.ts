import Conf from 'conf'
import { join } from 'node:path'
import { SETTINGS_FILE_MODE, openSettingsStore, type SettingsReport, type SettingsStore } from './store'

/** The settings outside Electron: `<home>/settings.json` through conf. */
export function openConfSettings(home: string, report: SettingsReport): SettingsStore {
  return openSettingsStore(
    join(home, 'settings.json'),
    () =>
      new Conf<Record<string, unknown>>({
        cwd: home,
        configName: 'settings',
        projectName: 'cnn-workbench',
        configFileMode: SETTINGS_FILE_MODE,
      }),
    report,
  )
}
