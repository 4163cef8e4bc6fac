import type { RequestHandlers } from '@common/contract'
import { REDIS_PASSWORD_MASK, redactRedisUrl, unmaskRedisUrl } from '@common/redis-url'
import type { Settings, SettingsPatch } from '@common/schemas'
import { UserError } from '../../engine/errors'
import { checkRedis, type WorkerDirectory } from '../../engine/remote/worker-directory'
import type { SettingsStore } from '../../engine/settings/store'

/** The settings as a view may see them: the Redis URL's password masked. */
export function shownSettings(settings: Settings): Settings {
  return settings.redisUrl ? { ...settings, redisUrl: redactRedisUrl(settings.redisUrl) } : settings
}

/**
 * A patch as it is saved: a Redis URL sent back with its password masked (the form shows the
 * saved one so, and sends the whole document with every change) keeps the saved password.
 */
export function withSavedPassword(patch: SettingsPatch, saved: string | null): SettingsPatch {
  if (!patch.redisUrl) return patch
  return { ...patch, redisUrl: unmaskedOrRefused(patch.redisUrl, saved, 'redisUrl') }
}

function unmaskedOrRefused(url: string, saved: string | null, field: string): string {
  const unmasked = unmaskRedisUrl(url, saved)
  if (unmasked === null) {
    throw new UserError(
      `The Redis URL's password is ${REDIS_PASSWORD_MASK}, which stands for the saved password of the same server, and none is saved for this one; type the password.`,
      'invalid',
      field,
    )
  }
  return unmasked
}

/** `workers.*`: the workers alive on the settings' Redis server, and checking a server. */
export function createWorkerHandlers(
  settings: SettingsStore,
  directory: WorkerDirectory,
): Pick<RequestHandlers, 'workers.list' | 'workers.testConnection'> {
  return {
    'workers.list': async () => {
      const url = settings.get().redisUrl
      if (!url) {
        directory.close()
        return { redis: null, workers: [] }
      }
      return { redis: redactRedisUrl(url), workers: await directory.list(url) }
    },
    'workers.testConnection': async ({ url }) => {
      const saved = settings.get().redisUrl
      if (url === undefined && !saved)
        throw new UserError('No Redis server is set: type its URL first.', 'invalid', 'url')
      return checkRedis(url === undefined ? saved! : unmaskedOrRefused(url, saved, 'url'))
    },
  }
}
