import { onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import type { ModelSummary } from '@common/contract'
import type { Architecture } from '@common/schemas'
import { request } from '../../../api/client'
import { errorField, errorText } from '../../../lib/errors'

/**
 * The layer summary and parameter count of an architecture, asked of the engine a moment after
 * the last edit. `architecture` is null while the form has errors; the last good summary stays.
 */
export function useModelSummary(architecture: Ref<Architecture | null>, options: { delayMs?: number } = {}) {
  const delayMs = options.delayMs ?? 150
  const summary = shallowRef<ModelSummary | null>(null)
  const error = shallowRef('')
  /** The contract field the error is about, such as `architecture.convBlocks.2`. */
  const errorAt = shallowRef<string | undefined>(undefined)
  const pending = shallowRef(false)
  let timer: ReturnType<typeof setTimeout> | null = null
  let generation = 0

  async function load(value: Architecture): Promise<void> {
    const mine = ++generation
    try {
      const result = await request('model.summary', { architecture: value })
      if (mine !== generation) return
      summary.value = result
      error.value = ''
      errorAt.value = undefined
    } catch (e) {
      if (mine !== generation) return
      error.value = errorText(e)
      errorAt.value = errorField(e)
    } finally {
      if (mine === generation) pending.value = false
    }
  }

  watch(
    architecture,
    (value) => {
      if (timer) clearTimeout(timer)
      if (!value) return
      pending.value = true
      timer = setTimeout(() => void load(value), delayMs)
    },
    { immediate: true, deep: true },
  )
  onScopeDispose(() => {
    if (timer) clearTimeout(timer)
  })
  return { summary, error, errorAt, pending }
}
