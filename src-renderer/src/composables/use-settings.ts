import { computed } from 'vue'
import type { Settings, SettingsPatch } from '@common/schemas'
import { request } from '../api/client'
import { errorText } from '../lib/errors'
import { useLatestRequest } from './use-latest-request'

const latest = useLatestRequest(() => request('settings.get'), null)
const settings = latest.state
const error = computed(() => (latest.error.value ? errorText(latest.error.value) : ''))
const load = latest.execute
let loading: Promise<void> | null = null
let queue: Promise<unknown> = Promise.resolve()

/**
 * Save some settings; resolves with the stored whole, rejects with the server's sentence.
 * Sends the whole document with the patch applied: the contract's patch schema fills in the
 * default of every field left out, so a bare patch would reset the other settings.
 */
function update(patch: SettingsPatch): Promise<Settings> {
  // One at a time, each on top of the result of the one before, so quick edits do not undo each other.
  const next = queue.then(async () => {
    await (loading ??= load())
    const saved = await request('settings.update', settings.value ? { ...settings.value, ...patch } : patch)
    settings.value = saved
    return saved
  })
  queue = next.catch(() => undefined)
  return next
}

/**
 * The persisted settings, shared by every view: loaded once, replaced whole after each update.
 */
export function useSettings() {
  loading ??= load()
  return { settings, error, update, reload: load }
}
