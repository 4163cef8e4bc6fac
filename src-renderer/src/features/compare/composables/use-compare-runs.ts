import { onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import type { RunDetails } from '@common/contract'
import { onConnection, request, subscribe } from '../../../api/client'
import { cleanMetrics } from '../lib/compare-runs'
import { errorText } from '../../../lib/errors'

/**
 * The details (record and every epoch) of the runs in `ids`, loaded with `runs.get` and kept
 * current by the run events: a finished epoch is added as it comes, a status change or rename
 * reloads that run. Runs that leave `ids` are forgotten.
 */
export function useCompareRuns(ids: Ref<readonly string[]>) {
  const details = shallowRef<ReadonlyMap<string, RunDetails>>(new Map())
  const errors = shallowRef<ReadonlyMap<string, string>>(new Map())
  const loading = shallowRef(false)
  /** Loads under way, by run; a newer load of the same run wins. */
  const generation = new Map<string, number>()
  const timers = new Map<string, ReturnType<typeof setTimeout>>()

  function setDetails(id: string, value: RunDetails | null): void {
    const next = new Map(details.value)
    if (value) next.set(id, { ...value, metrics: cleanMetrics(value.metrics) })
    else next.delete(id)
    details.value = next
  }

  function setError(id: string, message: string | null): void {
    if (!message && !errors.value.has(id)) return
    const next = new Map(errors.value)
    if (message) next.set(id, message)
    else next.delete(id)
    errors.value = next
  }

  async function load(id: string): Promise<void> {
    const mine = (generation.get(id) ?? 0) + 1
    generation.set(id, mine)
    try {
      const value = await request('runs.get', { id, batches: false })
      if (generation.get(id) !== mine || !ids.value.includes(id)) return
      setDetails(id, value)
      setError(id, null)
    } catch (e) {
      if (generation.get(id) === mine) setError(id, errorText(e))
    }
  }

  async function loadAll(list: readonly string[]): Promise<void> {
    loading.value = true
    try {
      await Promise.all(list.map(load))
    } finally {
      loading.value = false
    }
  }

  /** Several events can arrive for one change: reload once after them. */
  function reloadSoon(id: string): void {
    clearTimeout(timers.get(id))
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id)
        void load(id)
      }, 250),
    )
  }

  watch(
    ids,
    (list) => {
      const wanted = new Set(list)
      const kept = new Map([...details.value].filter(([id]) => wanted.has(id)))
      if (kept.size !== details.value.size) details.value = kept
      void loadAll(list.filter((id) => !details.value.has(id)))
    },
    { immediate: true },
  )

  const offs = [
    subscribe('runs.epoch', ({ runId, metrics }) => {
      const current = details.value.get(runId)
      if (!current) return
      setDetails(runId, { ...current, metrics: [...current.metrics, metrics] })
    }),
    subscribe('runs.status', ({ runId }) => {
      if (ids.value.includes(runId)) reloadSoon(runId)
    }),
    subscribe('runs.changed', ({ runId }) => {
      if (ids.value.includes(runId)) reloadSoon(runId)
    }),
    onConnection((up) => {
      // Events sent while the connection was down are lost.
      if (up && details.value.size > 0) void loadAll(ids.value)
    }),
  ]
  onScopeDispose(() => {
    offs.forEach((off) => off())
    timers.forEach((timer) => clearTimeout(timer))
  })

  return { details, errors, loading, reload: () => loadAll(ids.value) }
}
