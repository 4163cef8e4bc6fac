import { beforeEach, describe, expect, it } from 'vitest'
import type { DatasetInfo } from '@common/contract'
import { installTestBridge, settle } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { useDatasets } from './use-datasets'

const bridge = installTestBridge()
beforeEach(() => bridge.reset())

const fashion = (available: boolean): DatasetInfo => ({
  ref: { kind: 'fashion-mnist' },
  title: 'Fashion-MNIST',
  available,
  trainCount: available ? 60000 : null,
  testCount: available ? 10000 : null,
  allowsHorizontalFlip: true,
  classNames: [],
  format: null,
  inputShape: available ? [28, 28, 1] : null,
  input: null,
  report: null,
  ...(available ? {} : { reason: 'not downloaded yet' }),
})

describe('useDatasets', () => {
  it('downloads a data set with its progress, then lists it available', async () => {
    let downloaded = false
    bridge.handle('datasets.list', () => [fashion(downloaded)])
    const { result, stop } = inScope(() => useDatasets())
    await settle()
    expect(result.datasets.value[0].available).toBe(false)

    const done = result.download('fashion-mnist')
    expect(result.downloading.value).toMatchObject({ dataset: { kind: 'fashion-mnist' }, receivedBytes: 0 })
    const progress = { file: 'train-images-idx3-ubyte.gz', receivedBytes: 512, totalBytes: 1024 }
    bridge.emit('datasets.progress', { dataset: { kind: 'mnist' }, ...progress, receivedBytes: 9 })
    bridge.emit('datasets.progress', { dataset: { kind: 'fashion-mnist' }, ...progress })
    expect(result.downloading.value?.receivedBytes).toBe(512)

    downloaded = true
    await bridge.requests('datasets.download')[0].answer(fashion(true))
    expect(await done).toBe(true)
    expect(result.downloading.value).toBeNull()
    expect(result.datasets.value[0].available).toBe(true)
    stop()
    expect(bridge.listenerCount('datasets.progress')).toBe(0)
  })

  it('says why a download failed', async () => {
    bridge.handle('datasets.list', () => [fashion(false)])
    const { result, stop } = inScope(() => useDatasets())
    const done = result.download('fashion-mnist')
    await bridge
      .requests('datasets.download')[0]
      .fail({ code: 'unavailable', message: 'No mirror of Fashion-MNIST could be reached.' })
    expect(await done).toBe(false)
    expect(result.downloadError.value).toBe('No mirror of Fashion-MNIST could be reached.')
    expect(result.downloading.value).toBeNull()
    stop()
  })
})
