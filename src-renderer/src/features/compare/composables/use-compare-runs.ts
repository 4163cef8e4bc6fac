import { computed, onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import type { RunDetails } from '@common/contract'
import { onConnection, request, subscribe } from '../../../api/client'
import { useLatestRequest, type LatestRequest } from '../../../composables/use-latest-request'
import { errorText } from '../../../lib/errors'
import { cleanMetrics } from '../lib/compare-runs'

type RunLoader = LatestRequest<RunDetails | null, []>

/**
 * The details (record and every epoch) of the runs in `ids`, loaded with `runs.get` and kept
 * current by the run events: a finished epoch is added as it comes, a status change or rename
 * reloads that run. Runs that leave `ids` are forgotten.
 */
export function useCompareRuns(ids: Ref<readonly string[]>) {
  /** One loader a run: a newer load of the same run wins over an older one still under way. */
  const loaders = shallowRef<ReadonlyMap<string, RunLoader>>(new Map())
  const timers = new Map<string, ReturnType<typeof setTimeout>>()

  function loaderOf(id: string): RunLoader {
    const known = loaders.value.get(id)
    if (known) return known
    const loader = useLatestRequest(async () => {
      const value = await request('runs.get', { id, batches: false })
      return { ...value, metrics: cleanMetrics(value.metrics) }
    }, null)
    loaders.value = new Map(loaders.value).set(id, loader)
    return loader
  }

  const details = computed<ReadonlyMap<string, RunDetails>>(
    () =>
      new Map(
        [...loaders.value].flatMap(([id, loader]) => (loader.state.value ? [[id, loader.state.value]] : [])),
      ),
  )
  const errors = computed<ReadonlyMap<string, string>>(
    () =>
      new Map(
        [...loaders.value].flatMap(([id, loader]) =>
          loader.error.value ? [[id, errorText(loader.error.value)]] : [],
        ),
      ),
  )
  const loading = computed(() => [...loaders.value.values()].some((loader) => loader.loading.value))

  const load = (id: string) => loaderOf(id).execute()
  const loadAll = async (list: readonly string[]) => void (await Promise.all(list.map(load)))

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
      const gone = [...loaders.value.keys()].filter((id) => !wanted.has(id))
      if (gone.length) {
        // A load still under way for a run that left would bring it back: drop its answer.
        for (const id of gone) loaders.value.get(id)?.reset()
        loaders.value = new Map([...loaders.value].filter(([id]) => wanted.has(id)))
      }
      void loadAll(list.filter((id) => !loaders.value.has(id)))
    },
    { immediate: true },
  )

  const offs = [
    subscribe('runs.epoch', ({ runId, metrics }) => {
      const state = loaders.value.get(runId)?.state
      if (state?.value) state.value = { ...state.value, metrics: [...state.value.metrics, metrics] }
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
