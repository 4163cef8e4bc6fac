import { onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import type { ActivationsResult, ApiErrorCode, InspectImageInput } from '@common/contract'
import { ApiRequestError, request, subscribe } from '../../../api/client'
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
  const result = shallowRef<ActivationsResult | null>(null)
  const image = shallowRef<InspectImageInput | null>(null)
  const loading = shallowRef(false)
  const error = shallowRef('')
  /** The code of the last error (`unavailable` before a run's first checkpoint). */
  const errorCode = shallowRef<ApiErrorCode | null>(null)
  /** How long the last answer took, request to response. */
  const elapsedMs = shallowRef<number | null>(null)
  const follow = shallowRef(options.follow ?? true)
  let generation = 0

  async function inspect(next: InspectImageInput): Promise<void> {
    image.value = next
    const mine = ++generation
    loading.value = true
    const started = performance.now()
    try {
      const answer = await request('inspect.activations', { runId: runId.value, image: next })
      if (mine !== generation) return
      result.value = answer
      elapsedMs.value = performance.now() - started
      error.value = ''
      errorCode.value = null
    } catch (e) {
      if (mine === generation) {
        error.value = errorText(e)
        errorCode.value = e instanceof ApiRequestError ? e.error.code : 'internal'
      }
    } finally {
      if (mine === generation) loading.value = false
    }
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
    result.value = null
    void refresh()
  })

  return { result, image, loading, error, errorCode, elapsedMs, follow, inspect, refresh }
}
