import { computed, onScopeDispose, shallowRef } from 'vue'
import type { DownloadProgress } from '@common/contract'
import { request, subscribe } from '../../../api/client'
import { useLatestRequest } from '../../../composables/use-latest-request'
import { errorText } from '../../../lib/errors'

/**
 * The data sets the engine knows (built in, downloadable, the settings' folder), and downloads
 * with their progress.
 */
export function useDatasets() {
  const list = useLatestRequest(() => request('datasets.list'), [])
  const error = computed(() => (list.error.value ? errorText(list.error.value) : ''))
  const downloading = shallowRef<DownloadProgress | null>(null)
  const downloadError = shallowRef('')

  const reload = list.execute

  /** Fetch a published data set into the cache; the list shows it available after. */
  async function download(kind: 'mnist' | 'fashion-mnist'): Promise<boolean> {
    downloadError.value = ''
    downloading.value = { dataset: { kind }, file: '', receivedBytes: 0, totalBytes: null }
    try {
      await request('datasets.download', { dataset: kind })
      await reload()
      return true
    } catch (e) {
      downloadError.value = errorText(e)
      return false
    } finally {
      downloading.value = null
    }
  }

  const off = subscribe('datasets.progress', (event) => {
    if (downloading.value && downloading.value.dataset.kind === event.dataset.kind) downloading.value = event
  })
  onScopeDispose(off)
  void reload()
  return { datasets: list.state, error, downloading, downloadError, reload, download }
}
