import { computed, onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import type { BatchProgress, RunDetails, RunRecord } from '@common/contract'
import { onConnection, request, subscribe } from '../../../api/client'
import { useLatestRequest } from '../../../composables/use-latest-request'
import { errorText } from '../../../lib/errors'
import { RunSeries } from '../../../lib/run-series'

/** If a running run sends nothing for this long, ask for its state (an event may have been lost). */
const QUIET_MS = 5000

/**
 * One run, live: its record, its chart points (in `series`, redrawn when `revision` changes), the
 * latest per-batch progress and ETA. Loads the stored state with `runs.get` and then follows the
 * run's events, so a run started before a reload is picked up where it is.
 */
export function useRunEvents(runId: Ref<string>) {
  const record = shallowRef<RunRecord | null>(null)
  const progress = shallowRef<BatchProgress | null>(null)
  const etaMs = shallowRef<number | null>(null)
  const series = new RunSeries()
  const revision = shallowRef(0)
  let lastEventAt = Date.now()

  const touched = (id: string) => {
    if (id !== runId.value) return false
    lastEventAt = Date.now()
    return true
  }
  const bump = () => revision.value++

  /** The stored state of the run, merged with what its events already brought. */
  function merge(details: RunDetails): void {
    // Epochs are stored for good; per-batch samples only while a run trains, so keep what was seen.
    for (const metrics of details.metrics) series.addEpoch(metrics)
    series.mergeBatches(details.batches)
    record.value = details.record
    const last = details.batches.at(-1) ?? null
    if (details.record.status === 'running' || !progress.value) {
      progress.value = last
      etaMs.value = last?.etaMs ?? null
    }
    bump()
  }
  const latest = useLatestRequest(() => request('runs.get', { id: runId.value }), null, { onSuccess: merge })
  const load = () => latest.execute()
  const error = computed(() => (latest.error.value ? errorText(latest.error.value) : ''))

  const offs = [
    subscribe('runs.progress', (event) => {
      if (!touched(event.runId)) return
      series.addBatch(event)
      progress.value = event
      etaMs.value = event.etaMs
      // Status comes only from runs.status: a sample sent just before a stop may arrive after it.
      bump()
    }),
    subscribe('runs.epoch', (event) => {
      if (!touched(event.runId)) return
      series.addEpoch(event.metrics)
      etaMs.value = event.etaMs
      bump()
    }),
    subscribe('runs.status', (event) => {
      if (!touched(event.runId)) return
      if (record.value) {
        const { status, error, queuePlace } = event
        record.value = { ...record.value, status, error, queuePlace }
      }
      // The final record has the summary, the duration and the checkpoint.
      void load()
    }),
    subscribe('runs.changed', (event) => {
      if (touched(event.runId)) void load()
    }),
    onConnection((up) => {
      if (up && record.value) void load()
    }),
  ]
  const poll = setInterval(() => {
    if (record.value?.status === 'running' && Date.now() - lastEventAt > QUIET_MS) {
      lastEventAt = Date.now()
      void load()
    }
  }, 1000)
  onScopeDispose(() => {
    offs.forEach((off) => off())
    clearInterval(poll)
  })

  watch(
    runId,
    () => {
      latest.reset()
      record.value = null
      progress.value = null
      etaMs.value = null
      series.clear()
      bump()
      void load()
    },
    { immediate: true },
  )

  return { record, progress, etaMs, series, revision, error, loading: latest.loading, reload: load }
}
