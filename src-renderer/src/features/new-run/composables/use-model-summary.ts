import { computed, onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import type { Architecture } from '@common/schemas'
import { request } from '../../../api/client'
import { useLatestRequest } from '../../../composables/use-latest-request'
import { errorField, errorText } from '../../../lib/errors'

/**
 * The layer summary and parameter count of an architecture, asked of the engine a moment after
 * the last edit. `architecture` is null while the form has errors; the last good summary stays.
 */
export function useModelSummary(architecture: Ref<Architecture | null>, options: { delayMs?: number } = {}) {
  const delayMs = options.delayMs ?? 150
  const latest = useLatestRequest(
    (value: Architecture) => request('model.summary', { architecture: value }),
    null,
  )
  const error = computed(() => (latest.error.value ? errorText(latest.error.value) : ''))
  /** The contract field the error is about, such as `architecture.convBlocks.2`. */
  const errorAt = computed(() => errorField(latest.error.value))
  /** An edit waits for the typing to pause before it is sent. */
  const waiting = shallowRef(false)
  let timer: ReturnType<typeof setTimeout> | null = null

  // The form rebuilds the network on every edit of any field; only a different one is asked.
  let asked = ''
  watch(
    architecture,
    (value) => {
      const key = JSON.stringify(value)
      if (key === asked) return
      asked = key
      if (timer) clearTimeout(timer)
      waiting.value = value !== null
      if (!value) return
      timer = setTimeout(() => {
        waiting.value = false
        void latest.execute(value)
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
