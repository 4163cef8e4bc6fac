import { availableParallelism, totalmem } from 'node:os'
import { version } from '../../../package.json'
import type { AppInfo, RequestHandlers } from '@common/contract'
import type { SettingsStore } from '../../engine/settings/store'
import { probeBackends } from '../../engine/backend'
import { UserError } from '../../engine/errors'
import { shownSettings, withSavedPassword } from './workers'

export interface AppContext {
  home: string
  shell: AppInfo['shell']
  settings: SettingsStore
  /** The native folder picker; only the desktop app has one. */
  chooseFolder?: (title: string) => Promise<string | null>
  /** Called after the Redis server setting changed (runs of the new server are collected). */
  redisChanged?: () => void
}

/** `app.info` and the settings requests. */
export function createAppHandlers(
  ctx: AppContext,
): Pick<RequestHandlers, 'app.info' | 'app.chooseFolder' | 'settings.get' | 'settings.update'> {
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
      machine: { cores: availableParallelism(), memoryBytes: totalmem() },
    }),
    'app.chooseFolder': async ({ title }) => {
      if (!ctx.chooseFolder) {
        throw new UserError(
          'Folder dialogs exist only in the desktop app; type the folder path instead.',
          'unavailable',
        )
      }
      return { path: await ctx.chooseFolder(title ?? 'Choose a folder') }
    },
    'settings.get': async () => shownSettings(ctx.settings.get()),
    'settings.update': async (patch) => {
      const before = ctx.settings.get().redisUrl
      const saved = ctx.settings.update(withSavedPassword(patch, before))
      if (saved.redisUrl !== before) ctx.redisChanged?.()
      return shownSettings(saved)
    },
  }
}
