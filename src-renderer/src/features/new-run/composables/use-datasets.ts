import { onScopeDispose, shallowRef } from 'vue'
import type { DatasetInfo, DownloadProgress } from '@common/contract'
import { request, subscribe } from '../../../api/client'
import { errorText } from '../../../lib/errors'

/**
 * The data sets the engine knows (built in, downloadable, the settings' folder), and downloads
 * with their progress.
 */
export function useDatasets() {
  const datasets = shallowRef<DatasetInfo[]>([])
  const error = shallowRef('')
  const downloading = shallowRef<DownloadProgress | null>(null)
  const downloadError = shallowRef('')

  async function reload(): Promise<void> {
    try {
      datasets.value = await request('datasets.list')
      error.value = ''
    } catch (e) {
      error.value = errorText(e)
    }
  }

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
  return { datasets, error, downloading, downloadError, reload, download }
}
