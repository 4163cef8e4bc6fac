import { shallowRef } from 'vue'
import type { AppInfo } from '@common/contract'
import { request } from '../api/client'
import { errorText } from '../lib/errors'

const info = shallowRef<AppInfo | null>(null)
const error = shallowRef('')
let loading: Promise<void> | null = null

async function load(): Promise<void> {
  try {
    info.value = await request('app.info')
    error.value = ''
  } catch (e) {
    error.value = errorText(e)
  }
}

/** What the app runs on, the backend report included; `reload` after the backend preference changes. */
export function useAppInfo() {
  loading ??= load()
  return { info, error, reload: load }
}
