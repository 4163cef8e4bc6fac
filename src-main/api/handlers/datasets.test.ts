import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NO_AUGMENTATION } from '@common/recipe'
import { clearDatasetCache, loadDataset } from '../../engine/data'
import { tempFolder } from '../../engine/data/idx-fixtures'
import { createDatasetHandlers } from './datasets'

describe('datasets.augmentPreview', () => {
  let home: string
  beforeAll(async () => {
    home = await tempFolder('cnn-home-')
  })
  afterAll(async () => {
    clearDatasetCache()
    await rm(home, { recursive: true, force: true })
  })
  const handlers = () =>
    createDatasetHandlers({ home, emit: () => undefined, getSettings: () => ({ dataFolder: null }) })

  it('returns training images of every class, as stored and augmented', async () => {
    const preview = await handlers()['datasets.augmentPreview']({
      dataset: { kind: 'mnist' },
      augmentation: { rotation: 10, zoom: 0.1, shift: 0.1, horizontalFlip: false },
      seed: 1,
      count: 12,
    })
    const mnist = await loadDataset({ kind: 'mnist' }, { home })
    expect(preview.indices).toHaveLength(12)
    expect(new Set(preview.labels.slice(0, 10))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    const originals = Buffer.from(preview.originalsBase64, 'base64')
    const augmented = Buffer.from(preview.augmentedBase64, 'base64')
    const size = 28 * 28
    expect(originals.subarray(0, size)).toEqual(
      Buffer.from(mnist.train.images.subarray(preview.indices[0] * size, (preview.indices[0] + 1) * size)),
    )
    expect(augmented.length).toBe(12 * size)
    for (let i = 0; i < 12; i++) {
      expect(augmented.subarray(i * size, (i + 1) * size)).not.toEqual(
        originals.subarray(i * size, (i + 1) * size),
      )
    }
  })

  it('refuses a flip of digits with a sentence naming the data set', async () => {
    await expect(
      handlers()['datasets.augmentPreview']({
        dataset: { kind: 'mnist' },
        augmentation: { ...NO_AUGMENTATION, horizontalFlip: true },
        seed: 0,
        count: 4,
      }),
    ).rejects.toMatchObject({ field: 'augmentation.horizontalFlip', message: expect.stringMatching(/MNIST/) })
  })
})
