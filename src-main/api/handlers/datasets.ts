import type { DatasetInfo, EmitEvent, RequestHandlers } from '@common/contract'
import {
  buildAugmentPreview,
  describeDatasets,
  loadDataset,
  downloadDataset,
  previewDataset,
  throttleProgress,
  type NamedDataset,
} from '../../engine/data'

export interface DatasetContext {
  home: string
  emit: EmitEvent
  getSettings: () => { dataFolder: string | null }
  /** Mirrors to download from instead of the published ones. */
  mirrors?: string[]
}

/**
 * `datasets.list`, `datasets.preview`, `datasets.augmentPreview` and `datasets.download` (which
 * emits `datasets.progress`).
 */
export function createDatasetHandlers(
  ctx: DatasetContext,
): Pick<
  RequestHandlers,
  'datasets.list' | 'datasets.preview' | 'datasets.download' | 'datasets.augmentPreview'
> {
  // A second request for a download already under way joins it instead of racing it.
  const downloads = new Map<NamedDataset, Promise<DatasetInfo>>()

  return {
    'datasets.list': async () =>
      describeDatasets({ home: ctx.home, dataFolder: ctx.getSettings().dataFolder }),
    'datasets.preview': async ({ dataset, count }) =>
      previewDataset(dataset, count, {
        home: ctx.home,
        onProgress: (progress) => ctx.emit('datasets.decoding', { dataset, ...progress }),
      }),
    'datasets.augmentPreview': async ({ dataset, augmentation, seed, count }) =>
      buildAugmentPreview(
        await loadDataset(dataset, {
          home: ctx.home,
          onProgress: (progress) => ctx.emit('datasets.decoding', { dataset, ...progress }),
        }),
        augmentation,
        seed,
        count,
      ),
    'datasets.download': async ({ dataset }) => {
      const running = downloads.get(dataset)
      if (running) return running
      const progress = throttleProgress((p) => ctx.emit('datasets.progress', p))
      const options = { home: ctx.home, onProgress: progress.push, mirrors: ctx.mirrors }
      const download = downloadDataset(dataset, options).finally(() => {
        progress.flush()
        downloads.delete(dataset)
      })
      downloads.set(dataset, download)
      return download
    },
  }
}
