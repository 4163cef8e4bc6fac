import { onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import type { EvaluationResult } from '@common/contract'
import { request, subscribe } from '../../../api/client'
import { errorText } from '../../../lib/errors'

/**
 * A run's newest checkpoint scored on the whole test set (accuracy, confusion matrix, mistakes),
 * with the progress the main side reports while it works through the images.
 */
export function useEvaluation(runId: Ref<string>) {
  const result = shallowRef<EvaluationResult | null>(null)
  const progress = shallowRef<{ done: number; total: number } | null>(null)
  const running = shallowRef(false)
  const error = shallowRef('')
  let generation = 0

  async function evaluate(): Promise<void> {
    const mine = ++generation
    running.value = true
    progress.value = null
    error.value = ''
    try {
      const answer = await request('inspect.evaluate', { runId: runId.value })
      if (mine === generation) result.value = answer
    } catch (e) {
      if (mine === generation) error.value = errorText(e)
    } finally {
      if (mine === generation) running.value = false
    }
  }

  const off = subscribe('inspect.progress', (event) => {
    if (event.runId === runId.value && running.value)
      progress.value = { done: event.done, total: event.total }
  })
  onScopeDispose(off)
  watch(runId, () => {
    generation++
    result.value = null
    running.value = false
  })

  return { result, progress, running, error, evaluate }
}
