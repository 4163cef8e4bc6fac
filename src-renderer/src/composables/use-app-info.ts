import { shallowRef } from 'vue'
import type { AppInfo } from '@common/contract'
import { request } from '../api/client'
import { errorText } from '../lib/errors'

const info = shallowRef<AppInfo | null>(null)
const error = shallowRef('')
let loading: Promise<void> | null = null
let latest = 0

async function load(): Promise<void> {
  // Answers can come back out of order (the first probe of a GPU adapter takes seconds): only
  // the last request's answer, which reflects the current backend preference, is kept.
  const mine = ++latest
  try {
    const answer = await request('app.info')
    if (mine !== latest) return
    info.value = answer
    error.value = ''
  } catch (e) {
    if (mine === latest) error.value = errorText(e)
  }
}

/** What the app runs on, the backend report included; `reload` after the backend preference changes. */
export function useAppInfo() {
  loading ??= load()
  return { info, error, reload: load }
}
