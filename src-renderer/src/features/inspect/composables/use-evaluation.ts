import { computed, onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import { request, subscribe } from '../../../api/client'
import { useLatestRequest } from '../../../composables/use-latest-request'
import { errorText } from '../../../lib/errors'

/**
 * A run's newest checkpoint scored on the whole test set (accuracy, confusion matrix, mistakes),
 * with the progress the main side reports while it works through the images.
 */
export function useEvaluation(runId: Ref<string>) {
  const latest = useLatestRequest(() => request('inspect.evaluate', { runId: runId.value }), null)
  const progress = shallowRef<{ done: number; total: number } | null>(null)
  const running = latest.loading
  const error = computed(() => (latest.error.value ? errorText(latest.error.value) : ''))

  /** Score the run's newest checkpoint; the last result stays until the new one arrives. */
  function evaluate(): Promise<void> {
    progress.value = null
    // Asked again by the person: the last failure is no longer the news.
    latest.error.value = null
    return latest.execute()
  }

  const off = subscribe('inspect.progress', (event) => {
    if (event.runId === runId.value && running.value)
      progress.value = { done: event.done, total: event.total }
  })
  onScopeDispose(off)
  watch(runId, () => latest.reset())

  return { result: latest.state, progress, running, error, evaluate }
}
