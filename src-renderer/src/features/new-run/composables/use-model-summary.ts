import { computed, onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import type { Architecture } from '@common/schemas'
import { request } from '../../../api/client'
import { useLatestRequest } from '../../../composables/use-latest-request'
import { errorField, errorText } from '../../../lib/errors'

/** The data set's side of the network: its input's [rows, cols, channels] and its classes. */
export interface NetworkInput {
  inputShape: [number, number, number]
  numClasses: number
}

/**
 * The layer summary and parameter count of an architecture on the data set's input, asked of
 * the engine a moment after the last edit. `architecture` is null while the form has errors;
 * the last good summary stays. Without `input` (no data set known yet), MNIST's 28x28x1 and ten.
 */
export function useModelSummary(
  architecture: Ref<Architecture | null>,
  input: Ref<NetworkInput | null> = shallowRef(null),
  options: { delayMs?: number } = {},
) {
  const delayMs = options.delayMs ?? 150
  const latest = useLatestRequest(
    (value: Architecture, shape: NetworkInput | null) =>
      request('model.summary', { architecture: value, ...(shape ?? {}) }),
    null,
  )
  const error = computed(() => (latest.error.value ? errorText(latest.error.value) : ''))
  /** The contract field the error is about, such as `architecture.convBlocks.2`. */
  const errorAt = computed(() => errorField(latest.error.value))
  /** An edit waits for the typing to pause before it is sent. */
  const waiting = shallowRef(false)
  let timer: ReturnType<typeof setTimeout> | null = null

  // The form rebuilds the network on every edit of any field; only a different question is asked.
  let asked = ''
  watch(
    [architecture, input],
    ([value, shape]) => {
      const key = JSON.stringify([value, shape])
      if (key === asked) return
      asked = key
      if (timer) clearTimeout(timer)
      waiting.value = value !== null
      if (!value) return
      timer = setTimeout(() => {
        waiting.value = false
        void latest.execute(value, shape)
      }, delayMs)
    },
    { immediate: true, deep: true },
  )
  onScopeDispose(() => {
    if (timer) clearTimeout(timer)
  })
  return {
    summary: latest.state,
    error,
    errorAt,
    pending: computed(() => waiting.value || latest.loading.value),
  }
}
