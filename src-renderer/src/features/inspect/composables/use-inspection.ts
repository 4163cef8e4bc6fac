import { computed, onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import type { InspectImageInput } from '@common/contract'
import { ApiRequestError, request, subscribe } from '../../../api/client'
import { useLatestRequest } from '../../../composables/use-latest-request'
import { errorText } from '../../../lib/errors'

export interface UseInspectionOptions {
  /** Ask again for the same image whenever the run saves a new checkpoint. Default true. */
  follow?: boolean
}

/**
 * One image's trip through a run's network: what every conv and pool layer made of it and the
 * class probabilities, from the run's newest checkpoint. While the run trains, the same image is
 * asked for again after every epoch (when `follow` is on), so the maps change as it learns.
 * Only the answer to the latest question is kept; large results live in a shallowRef.
 */
export function useInspection(runId: Ref<string>, options: UseInspectionOptions = {}) {
  const image = shallowRef<InspectImageInput | null>(null)
  /** How long the last answer took, request to response. */
  const elapsedMs = shallowRef<number | null>(null)
  const follow = shallowRef(options.follow ?? true)
  let started = 0
  const latest = useLatestRequest(
    (next: InspectImageInput) => request('inspect.activations', { runId: runId.value, image: next }),
    null,
    { onSuccess: () => (elapsedMs.value = performance.now() - started) },
  )
  const error = computed(() => (latest.error.value ? errorText(latest.error.value) : ''))
  /** The code of the last error (`unavailable` before a run's first checkpoint). */
  const errorCode = computed(() => {
    const e = latest.error.value
    if (!e) return null
    return e instanceof ApiRequestError ? e.error.code : 'internal'
  })

  function inspect(next: InspectImageInput): Promise<void> {
    image.value = next
    started = performance.now()
    return latest.execute(next)
  }

  /** Asks again for the current image (a newer checkpoint may answer). */
  function refresh(): Promise<void> {
    return image.value ? inspect(image.value) : Promise.resolve()
  }

  const off = subscribe('runs.epoch', (event) => {
    if (event.runId === runId.value && follow.value) void refresh()
  })
  onScopeDispose(off)
  watch(runId, () => {
    latest.state.value = null
    void refresh()
  })

  return {
    result: latest.state,
    image,
    loading: latest.loading,
    error,
    errorCode,
    elapsedMs,
    follow,
    inspect,
    refresh,
  }
}
