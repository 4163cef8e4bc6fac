import { describe, expect, it, beforeEach } from 'vitest'
import { shallowRef } from 'vue'
import type { DatasetRef } from '@common/schemas'
import { installTestBridge, settle } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { datasetPreview } from '../new-run.fixtures'
import { useDatasetPreview } from './use-dataset-preview'

const bridge = installTestBridge()
beforeEach(() => bridge.reset())

describe('useDatasetPreview', () => {
  it('shows the samples of the data set chosen last, even when an earlier one answers later', async () => {
    const dataset = shallowRef<DatasetRef | null>({ kind: 'mnist' })
    const { result, stop } = inScope(() => useDatasetPreview(dataset, { count: 8 }))
    expect(result.loading.value).toBe(true)
    expect(bridge.requests('datasets.preview')[0].input).toEqual({ dataset: { kind: 'mnist' }, count: 8 })

    dataset.value = { kind: 'fashion-mnist' }
    await settle()
    const [mnist, fashion] = bridge.requests('datasets.preview')
    await fashion.answer(datasetPreview({ kind: 'fashion-mnist' }))
    await mnist.answer(datasetPreview({ kind: 'mnist' }))
    expect(result.preview.value?.ref).toEqual({ kind: 'fashion-mnist' })
    expect(result.loading.value).toBe(false)
    stop()
  })

  it('clears the preview while another data set loads, and when none is chosen', async () => {
    const dataset = shallowRef<DatasetRef | null>({ kind: 'mnist' })
    const { result, stop } = inScope(() => useDatasetPreview(dataset))
    await bridge.requests('datasets.preview')[0].answer(datasetPreview({ kind: 'mnist' }))
    expect(result.preview.value).not.toBeNull()

    dataset.value = { kind: 'folder', path: '/data/digits' }
    await settle()
    expect(result.preview.value).toBeNull()
    expect(result.loading.value).toBe(true)

    dataset.value = null
    await settle()
    expect(result.loading.value).toBe(false)
    await bridge
      .requests('datasets.preview')[0]
      .answer(datasetPreview({ kind: 'folder', path: '/data/digits' }))
    expect(result.preview.value).toBeNull()
    stop()
  })

  it('says why a data set cannot be previewed, and loads it again on reload', async () => {
    const dataset = shallowRef<DatasetRef | null>({ kind: 'folder', path: '/nowhere' })
    const { result, stop } = inScope(() => useDatasetPreview(dataset))
    await bridge
      .requests('datasets.preview')[0]
      .fail({ code: 'not_found', message: 'The folder /nowhere does not exist.' })
    expect(result.error.value).toBe('The folder /nowhere does not exist.')
    expect(result.loading.value).toBe(false)

    bridge.handle('datasets.preview', ({ dataset: ref }) => datasetPreview(ref))
    await result.reload()
    expect(result.error.value).toBe('')
    expect(result.preview.value?.ref).toEqual({ kind: 'folder', path: '/nowhere' })
    stop()
  })
})
