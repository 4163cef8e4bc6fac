import { computed, onScopeDispose } from 'vue'
import { onConnection, request, subscribe } from '../../../api/client'
import { useLatestRequest } from '../../../composables/use-latest-request'
import { errorText } from '../../../lib/errors'

/** Many events come at once (a trial ends, the next starts): reload once after them. */
const SETTLE_MS = 200

/** The home's sweeps, newest first, reloaded when any of them changes. */
export function useSweeps() {
  const latest = useLatestRequest(() => request('sweeps.list'), null)
  let timer: ReturnType<typeof setTimeout> | null = null
  const reloadSoon = () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      void latest.execute()
    }, SETTLE_MS)
  }
  let wasUp: boolean | null = null
  const offs = [
    subscribe('sweeps.changed', reloadSoon),
    // Events sent while the connection was down are lost: reload when it comes back (the call
    // made at once, with the present state, is not a change).
    onConnection((up) => {
      if (up && wasUp === false) reloadSoon()
      wasUp = up
    }),
  ]
  void latest.execute()
  onScopeDispose(() => {
    offs.forEach((off) => off())
    if (timer) clearTimeout(timer)
  })
  const items = computed(() =>
    [...(latest.state.value ?? [])].sort((a, b) =>
      a.damaged || b.damaged
        ? a.id.localeCompare(b.id)
        : b.record.createdAt.localeCompare(a.record.createdAt),
    ),
  )
  return {
    items,
    loaded: computed(() => latest.state.value !== null || latest.error.value !== null),
    error: computed(() => (latest.error.value ? errorText(latest.error.value) : '')),
    reload: latest.execute,
  }
}
