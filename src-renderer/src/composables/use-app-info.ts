import { computed } from 'vue'
import { request } from '../api/client'
import { errorText } from '../lib/errors'
import { useLatestRequest } from './use-latest-request'

// Answers can come back out of order (the first probe of a GPU adapter takes seconds): only the
// last request's answer, which reflects the current backend preference, is kept.
const latest = useLatestRequest(() => request('app.info'), null)
const error = computed(() => (latest.error.value ? errorText(latest.error.value) : ''))
let loading: Promise<void> | null = null

/** What the app runs on, the backend report included; `reload` after the backend preference changes. */
export function useAppInfo() {
  loading ??= latest.execute()
  return { info: latest.state, error, reload: latest.execute }
}
