import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UserError } from '../errors'
import { classCounts } from './preview'
import { tempFolder, writeIdxSet } from './idx-fixtures'
import { clearDatasetCache, describeDatasets, loadDataset, previewDataset } from './index'

let home: string
let folder: string
beforeAll(async () => {
  home = await tempFolder('cnn-home-')
  folder = await tempFolder()
})
afterAll(async () => {
  clearDatasetCache()
  await rm(home, { recursive: true, force: true })
  await rm(folder, { recursive: true, force: true })
})

describe('the built-in MNIST', () => {
  it('loads with the published counts', async () => {
    const mnist = await loadDataset({ kind: 'mnist' }, { home })
    expect(mnist.title).toBe('MNIST')
    expect(mnist.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    expect([mnist.rows, mnist.cols]).toEqual([28, 28])
    expect(mnist.train.count).toBe(60000)
    expect(mnist.test.count).toBe(10000)
    expect(mnist.train.images.length).toBe(60000 * 784)
    expect(classCounts(mnist.test, 10)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    expect(classCounts(mnist.train, 10)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
  })

  it('is parsed once per process', async () => {
    const first = await loadDataset({ kind: 'mnist' }, { home })
    expect(await loadDataset({ kind: 'mnist' }, { home })).toBe(first)
  })

  it('previews images of every class and the class counts', async () => {
    const preview = await previewDataset({ kind: 'mnist' }, 25, { home })
    expect(preview.labels).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4,
    ])
    expect(Buffer.from(preview.pixelsBase64, 'base64').length).toBe(25 * 784)
    expect(preview.testClassCounts[1]).toBe(1135)
    expect(preview.trainClassCounts.reduce((a, b) => a + b)).toBe(60000)
    // The first test image of MNIST is a 7; it must be the 8th of the preview.
    const mnist = await loadDataset({ kind: 'mnist' }, { home })
    const eighth = Buffer.from(preview.pixelsBase64, 'base64').subarray(7 * 784, 8 * 784)
    expect(Buffer.from(mnist.test.images.subarray(0, 784)).equals(eighth)).toBe(true)
  })
})

describe('describeDatasets', () => {
  it('lists MNIST as built in, Fashion-MNIST as not downloaded, and the data folder', async () => {
    const files = await writeIdxSet(folder, { trainCount: 30, testCount: 20, gzip: true })
    const list = await describeDatasets({ home, dataFolder: folder })
    expect(list.map((info) => info.ref.kind)).toEqual(['mnist', 'fashion-mnist', 'folder'])
    expect(list[0]).toMatchObject({ available: true, trainCount: 60000, testCount: 10000 })
    expect(list[1]).toMatchObject({
      title: 'Fashion-MNIST',
      available: false,
      trainCount: null,
      reason: 'Fashion-MNIST is not downloaded yet; download it first.',
    })
    expect(list[1].classNames[9]).toBe('Ankle boot')
    expect(list[2]).toMatchObject({ available: true, trainCount: 30, testCount: 20 })
    await rm(files.testLabels)
    const [, , broken] = await describeDatasets({ home, dataFolder: folder })
    expect(broken).toMatchObject({
      available: false,
      reason: `The folder ${folder} has no t10k-labels-idx1-ubyte (it may also end in .gz).`,
    })
  })

  it('says MNIST must be downloaded when the built-in copy is missing', async () => {
    const [mnist] = await describeDatasets({ home, dataFolder: null, builtin: null })
    expect(mnist).toMatchObject({
      available: false,
      reason: 'MNIST is not downloaded yet; download it first.',
    })
  })

  it('leaves the folder out when none is set', async () => {
    expect(await describeDatasets({ home, dataFolder: null })).toHaveLength(2)
  })
})

describe('loadDataset', () => {
  it('says Fashion-MNIST must be downloaded first', async () => {
    const error = await loadDataset({ kind: 'fashion-mnist' }, { home }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect(error).toMatchObject({
      message: 'Fashion-MNIST is not downloaded yet; download it first.',
      code: 'unavailable',
    })
  })

  it('loads a folder, and loads it again when its files change', async () => {
    const sub = join(folder, 'set')
    await mkdir(sub)
    await writeIdxSet(sub, { trainCount: 30, testCount: 20, rows: 8, cols: 8 })
    const first = await loadDataset({ kind: 'folder', path: sub }, { home })
    expect(first).toMatchObject({ title: 'set (folder)', rows: 8, cols: 8 })
    expect(await loadDataset({ kind: 'folder', path: sub }, { home })).toBe(first)
    await writeIdxSet(sub, { trainCount: 40, testCount: 20, rows: 8, cols: 8 })
    expect((await loadDataset({ kind: 'folder', path: sub }, { home })).train.count).toBe(40)
  })

  it('does not keep a failed load', async () => {
    const sub = join(folder, 'fixable')
    await mkdir(sub)
    await writeIdxSet(sub, { replace: { trainLabels: Buffer.from('nonsense') } })
    await expect(loadDataset({ kind: 'folder', path: sub }, { home })).rejects.toThrow(/magic number/)
    await writeIdxSet(sub)
    expect((await loadDataset({ kind: 'folder', path: sub }, { home })).train.count).toBe(30)
  })
})
