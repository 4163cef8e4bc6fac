import { computed, onScopeDispose } from 'vue'
import type { WorkersList } from '@common/contract'
import { request } from '../../../api/client'
import { errorText } from '../../../lib/errors'
import { useLatestRequest } from '../../../composables/use-latest-request'

export interface UseWorkersOptions {
  /** How often the list is asked again (heartbeats come every 5 s); default 2000 ms. */
  intervalMs?: number
}

/**
 * The workers alive on the Redis server the settings name, asked now and every `intervalMs`
 * until the calling scope ends. A failed ask keeps the last list and says why.
 */
export function useWorkers(options: UseWorkersOptions = {}) {
  const latest = useLatestRequest<WorkersList | null>(() => request('workers.list'), null)
  const timer = setInterval(() => void latest.execute(), options.intervalMs ?? 2000)
  onScopeDispose(() => clearInterval(timer))
  void latest.execute()
  return {
    list: latest.state,
    /** Whether an answer came at all (the empty state waits for it). */
    loaded: computed(() => latest.state.value !== null || latest.error.value !== null),
    error: computed(() => (latest.error.value ? errorText(latest.error.value) : '')),
    reload: latest.execute,
  }
}
