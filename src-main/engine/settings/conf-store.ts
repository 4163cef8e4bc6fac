import Conf from 'conf'
import type { DocumentStore } from './store'

/** The settings document outside Electron: `<home>/settings.json` through conf. */
export function openConfStore(home: string): DocumentStore {
  return new Conf<Record<string, unknown>>({
    cwd: home,
    configName: 'settings',
    projectName: 'cnn-workbench',
  })
}
