import { version } from '../../../package.json'
import type { AppInfo, RequestHandlers } from '../contract'
import type { SettingsStore } from '../../engine/settings/store'
import { probeBackends } from '../../engine/backend'

export interface AppContext {
  home: string
  shell: AppInfo['shell']
  settings: SettingsStore
}

/** `app.info` and the settings requests. */
export function createAppHandlers(
  ctx: AppContext,
): Pick<RequestHandlers, 'app.info' | 'settings.get' | 'settings.update'> {
  return {
    'app.info': async () => ({
      name: 'CNN Workbench',
      version,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      electronVersion: process.versions.electron ?? null,
      shell: ctx.shell,
      home: ctx.home,
      backend: await probeBackends(ctx.settings.get().backend),
    }),
    'settings.get': async () => ctx.settings.get(),
    'settings.update': async (patch) => ctx.settings.update(patch),
  }
}
