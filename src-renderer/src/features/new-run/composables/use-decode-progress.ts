import { onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import type { DecodeProgress } from '@common/contract'
import { subscribe } from '../../../api/client'

/**
 * How far the decoding of the folder at `path` is, from the main side's `datasets.decoding`
 * events; null when nothing is being decoded (before the first event, once the last image is
 * done, and when the path changes).
 */
export function useDecodeProgress(path: Ref<string | null>) {
  const progress = shallowRef<DecodeProgress | null>(null)
  const off = subscribe('datasets.decoding', (event) => {
    if (event.dataset.kind !== 'folder' || event.dataset.path !== path.value) return
    progress.value = event.done >= event.total ? null : event
  })
  watch(path, () => (progress.value = null))
  onScopeDispose(off)
  return { progress }
}
