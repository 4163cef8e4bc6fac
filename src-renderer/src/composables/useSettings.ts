import { shallowRef } from 'vue'
import type { Settings, SettingsPatch } from '../../../src-main/api/schemas'
import { request } from '../api/client'
import { errorText } from '../lib/errors'

const settings = shallowRef<Settings | null>(null)
const error = shallowRef('')
let loading: Promise<void> | null = null

async function load(): Promise<void> {
  try {
    settings.value = await request('settings.get')
    error.value = ''
  } catch (e) {
    error.value = errorText(e)
  }
}

/** Save some settings; resolves with the stored whole, rejects with the server's sentence. */
async function update(patch: SettingsPatch): Promise<Settings> {
  const next = await request('settings.update', patch)
  settings.value = next
  return next
}

/**
 * The persisted settings, shared by every view: loaded once, replaced whole after each update.
 */
export function useSettings() {
  loading ??= load()
  return { settings, error, update, reload: load }
}
