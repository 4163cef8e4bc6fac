import { computed, watch, type Ref } from 'vue'
import type { DatasetRef } from '@common/schemas'
import { request } from '../../../api/client'
import { useLatestRequest } from '../../../composables/use-latest-request'
import { errorText } from '../../../lib/errors'

/** Sample images and class counts of the chosen data set; reloaded when the choice changes. */
export function useDatasetPreview(dataset: Ref<DatasetRef | null>, options: { count?: number } = {}) {
  const count = options.count ?? 40
  const latest = useLatestRequest(
    (ref: DatasetRef) => request('datasets.preview', { dataset: ref, count }),
    null,
    {
      // Another data set's samples are no preview of this one.
      resetOnExecute: true,
    },
  )
  const error = computed(() => (latest.error.value ? errorText(latest.error.value) : ''))

  function load(ref: DatasetRef | null): Promise<void> {
    if (ref) return latest.execute(ref)
    latest.reset()
    return Promise.resolve()
  }

  watch(dataset, (ref) => void load(ref), { immediate: true, deep: true })
  return { preview: latest.state, error, loading: latest.loading, reload: () => load(dataset.value) }
}
