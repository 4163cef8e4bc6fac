import { computed, onScopeDispose, watch, type Ref } from 'vue'
import { onConnection, request, subscribe } from '../../../api/client'
import { useLatestRequest } from '../../../composables/use-latest-request'
import { errorText } from '../../../lib/errors'

/** Epochs end every few seconds in a small sweep: reload at most this often. */
const SETTLE_MS = 250

/**
 * One sweep, live: its record and its trials' epochs, reloaded when the sweep changes or one of
 * its trials' runs finishes an epoch or changes status.
 */
export function useSweep(id: Ref<string>) {
  const latest = useLatestRequest(() => request('sweeps.get', { id: id.value }), null)
  const runIds = computed(
    () => new Set((latest.state.value?.record.trials ?? []).flatMap((t) => (t.runId ? [t.runId] : []))),
  )
  let timer: ReturnType<typeof setTimeout> | null = null
  const reloadSoon = () => {
    timer ??= setTimeout(() => {
      timer = null
      void latest.execute()
    }, SETTLE_MS)
  }
  let wasUp: boolean | null = null
  const offs = [
    subscribe('sweeps.changed', (event) => {
      if (event.sweepId === id.value) reloadSoon()
    }),
    subscribe('runs.epoch', (event) => {
      if (runIds.value.has(event.runId)) reloadSoon()
    }),
    subscribe('runs.status', (event) => {
      if (runIds.value.has(event.runId)) reloadSoon()
    }),
    // Events sent while the connection was down are lost: reload when it comes back (the call
    // made at once, with the present state, is not a change).
    onConnection((up) => {
      if (up && wasUp === false) reloadSoon()
      wasUp = up
    }),
  ]
  watch(id, () => {
    latest.reset()
    void latest.execute()
  })
  void latest.execute()
  onScopeDispose(() => {
    offs.forEach((off) => off())
    if (timer) clearTimeout(timer)
  })
  return {
    details: latest.state,
    record: computed(() => latest.state.value?.record ?? null),
    loading: latest.loading,
    error: computed(() => (latest.error.value ? errorText(latest.error.value) : '')),
    reload: latest.execute,
  }
}
