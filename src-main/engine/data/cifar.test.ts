import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cifarBatch, writeCifarFolder } from './image-folder.fixtures'
import { tempFolder, writeIdxSet } from './idx-fixtures'
import { clearDatasetCache, loadDataset } from './load'
import { describeDatasets } from './describe'

let root: string
let home: string
beforeEach(async () => {
  root = await tempFolder()
  home = join(root, 'home')
  clearDatasetCache()
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('CIFAR-10 binary folders', () => {
  it('reads the batches as 32x32 RGB with interleaved channels and the names of batches.meta.txt', async () => {
    const folder = await writeCifarFolder(join(root, 'cifar'), [0, 1, 2, 1])
    const dataset = await loadDataset({ kind: 'folder', path: folder }, { home })
    expect(dataset.classNames).toEqual(['plane', 'car', 'bird'])
    expect([dataset.rows, dataset.cols, dataset.channels]).toEqual([32, 32, 3])
    expect([dataset.train.count, dataset.test.count]).toEqual([20, 4])
    expect(Array.from(dataset.train.labels.subarray(0, 8))).toEqual([0, 1, 2, 1, 0, 1, 2, 1])
    // Record 3 (label 1) of a batch: red 20, green 3, blue 252 at every pixel.
    const image = dataset.test.images.subarray(3 * 3072, 4 * 3072)
    expect(Array.from(image.subarray(0, 6))).toEqual([20, 3, 252, 20, 3, 252])
    expect(Array.from(image.subarray(3069))).toEqual([20, 3, 252])
    expect(dataset.report).toMatchObject({ format: 'cifar-10', testPart: 'files', skippedCount: 0 })
  })

  it('is found in cifar-10-batches-bin/ and resized or made grey on request (then cached)', async () => {
    await writeCifarFolder(join(root, 'download', 'cifar-10-batches-bin'), [0, 1], 1, false)
    const path = join(root, 'download')
    const [, , info] = await describeDatasets({ home, dataFolder: path })
    expect(info).toMatchObject({ format: 'cifar-10', trainCount: 2, testCount: 2, inputShape: [32, 32, 3] })
    expect(info.classNames.slice(0, 2)).toEqual(['airplane', 'automobile'])
    const grey = await loadDataset({ kind: 'folder', path, inputSize: 8, color: 'grey' }, { home })
    expect([grey.rows, grey.cols, grey.channels]).toEqual([8, 8, 1])
    // Label 1, record 1: (20, 1, 254) -> luma (19595*20 + 38470*1 + 7471*254 + 2^15) >> 16 = 36.
    expect(grey.train.images[64]).toBe(36)
    expect(grey.ref).toMatchObject({ inputSize: 8, color: 'grey', fit: 'crop' })
  })

  it('refuses a batch that is not whole records, naming the file', async () => {
    const folder = await writeCifarFolder(join(root, 'cifar'), [0, 1])
    await writeFile(join(folder, 'test_batch.bin'), cifarBatch([0]).subarray(0, 3000))
    await expect(loadDataset({ kind: 'folder', path: folder }, { home })).rejects.toThrow(
      'test_batch.bin has 3000 bytes, not a whole number of 3073-byte CIFAR-10 records (a label and a 32x32 RGB image).',
    )
    await rm(join(folder, 'test_batch.bin'))
    await expect(loadDataset({ kind: 'folder', path: folder }, { home })).rejects.toThrow(
      /but no test_batch\.bin/,
    )
  })
})

describe('IDX folders', () => {
  it('stay 28x28 grey, and take another size or colour when asked', async () => {
    const folder = join(root, 'idx')
    await mkdir(folder)
    await writeIdxSet(folder, { trainCount: 6, testCount: 3 })
    const native = await loadDataset({ kind: 'folder', path: folder }, { home })
    expect([native.rows, native.cols, native.channels, native.train.count]).toEqual([28, 28, 1, 6])
    expect(native.classNames).toHaveLength(10)
    expect(native.report).toMatchObject({ format: 'idx', input: { inputSize: 28, color: 'grey' } })
    const rgb = await loadDataset({ kind: 'folder', path: folder, inputSize: 32, color: 'rgb' }, { home })
    expect([rgb.rows, rgb.cols, rgb.channels]).toEqual([32, 32, 3])
    expect(rgb.train.images.length).toBe(6 * 32 * 32 * 3)
  })
})
