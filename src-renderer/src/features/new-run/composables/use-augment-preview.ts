import { computed, onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import type { Augmentation } from '@common/recipe'
import type { DatasetRef } from '@common/schemas'
import { request } from '../../../api/client'
import { useLatestRequest } from '../../../composables/use-latest-request'
import { errorText } from '../../../lib/errors'

/** What the preview shows: training images of a data set under an augmentation, from a seed. */
export interface AugmentQuestion {
  dataset: DatasetRef
  augmentation: Augmentation
  seed: number
}

/**
 * Training images as stored and as the form's augmentation transforms them, asked of the engine
 * a moment after the last edit. `question` is null while the augmentation fields have errors or
 * the data set is not on this machine; the last preview then stays, marked out of date.
 */
export function useAugmentPreview(
  question: Ref<AugmentQuestion | null>,
  options: { delayMs?: number; count?: number } = {},
) {
  const delayMs = options.delayMs ?? 200
  const latest = useLatestRequest(
    (q: AugmentQuestion) => request('datasets.augmentPreview', { ...q, count: options.count ?? 16 }),
    null,
  )
  const waiting = shallowRef(false)
  let timer: ReturnType<typeof setTimeout> | null = null
  // A shuffle asks for other draws of the same images: the seed the engine gets moves on.
  const draw = shallowRef(0)

  // The question is rebuilt on every edit of the form; only a different one is asked again.
  let asked = ''
  function ask(value: AugmentQuestion | null, again = false) {
    const key = JSON.stringify(value)
    if (key === asked && !again) return
    asked = key
    if (timer) clearTimeout(timer)
    waiting.value = value !== null
    if (!value) return
    timer = setTimeout(() => {
      waiting.value = false
      void latest.execute({ ...value, seed: (value.seed + draw.value) % 2 ** 31 })
    }, delayMs)
  }

  watch(question, (value) => ask(value), { immediate: true, deep: true })
  onScopeDispose(() => {
    if (timer) clearTimeout(timer)
  })
  return {
    preview: latest.state,
    error: computed(() => (latest.error.value ? errorText(latest.error.value) : '')),
    pending: computed(() => waiting.value || latest.loading.value),
    /** Other random draws of the same images. */
    shuffle() {
      draw.value += 1
      ask(question.value, true)
    },
  }
}
