import { shallowRef, watch, type Ref } from 'vue'
import type { DatasetPreview } from '@common/contract'
import type { DatasetRef } from '@common/schemas'
import { request } from '../../../api/client'
import { errorText } from '../../../lib/errors'

/** Sample images and class counts of the chosen data set; reloaded when the choice changes. */
export function useDatasetPreview(dataset: Ref<DatasetRef | null>, options: { count?: number } = {}) {
  const count = options.count ?? 40
  const preview = shallowRef<DatasetPreview | null>(null)
  const error = shallowRef('')
  const loading = shallowRef(false)
  let generation = 0

  async function load(ref: DatasetRef | null): Promise<void> {
    const mine = ++generation
    preview.value = null
    error.value = ''
    if (!ref) return
    loading.value = true
    try {
      const result = await request('datasets.preview', { dataset: ref, count })
      if (mine === generation) preview.value = result
    } catch (e) {
      if (mine === generation) error.value = errorText(e)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  watch(dataset, (ref) => void load(ref), { immediate: true, deep: true })
  return { preview, error, loading, reload: () => load(dataset.value) }
}
