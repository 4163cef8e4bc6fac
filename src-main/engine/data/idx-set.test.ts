import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cyclingLabels, idxImageBytes, idxLabelBytes, tempFolder, writeIdxSet } from './idx-fixtures'
import { loadIdxSet, summarizeIdxSet } from './idx-set'

let folder: string
beforeEach(async () => {
  folder = await tempFolder()
})
afterEach(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('loadIdxSet', () => {
  it.each([false, true])('loads a valid set (gzip: %s)', async (gzip) => {
    const files = await writeIdxSet(folder, { gzip, trainCount: 30, testCount: 20 })
    const set = await loadIdxSet(files)
    expect(set.rows).toBe(28)
    expect(set.train.count).toBe(30)
    expect(set.test.count).toBe(20)
    expect(set.train.images.length).toBe(30 * 784)
    expect([...set.test.labels.subarray(0, 12)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
  })

  it('accepts a mix of gzipped and raw files', async () => {
    const files = await writeIdxSet(folder)
    const gz = files.testImages + '.gz'
    await writeFile(gz, gzipSync(idxImageBytes(20)))
    await rm(files.testImages)
    expect((await loadIdxSet({ ...files, testImages: gz })).test.count).toBe(20)
  })

  it('accepts images other than 28x28 when train and test agree', async () => {
    const set = await loadIdxSet(await writeIdxSet(folder, { rows: 16, cols: 12 }))
    expect([set.rows, set.cols]).toEqual([16, 12])
  })

  it('names both sizes when train and test images differ', async () => {
    const files = await writeIdxSet(folder, { replace: { testImages: idxImageBytes(20, 32, 32) } })
    const sentence =
      'The training images are 28x28 pixels (train-images-idx3-ubyte) but the test images are 32x32 (t10k-images-idx3-ubyte); both must be the same size.'
    await expect(loadIdxSet(files)).rejects.toThrow(sentence)
    await expect(summarizeIdxSet(files)).rejects.toThrow(sentence)
  })

  it('names both files when image and label counts disagree', async () => {
    const files = await writeIdxSet(folder, { replace: { trainLabels: idxLabelBytes(cyclingLabels(29)) } })
    const sentence =
      'The training set has 30 images in train-images-idx3-ubyte but 29 labels in train-labels-idx1-ubyte.'
    await expect(loadIdxSet(files)).rejects.toThrow(sentence)
    await expect(summarizeIdxSet(files)).rejects.toThrow(sentence)
  })

  it('names a gzipped file that is truncated', async () => {
    const files = await writeIdxSet(folder, {
      gzip: true,
      replace: { testImages: idxImageBytes(20).subarray(0, 5000) },
    })
    await expect(loadIdxSet(files)).rejects.toThrow(
      't10k-images-idx3-ubyte.gz is truncated: its header declares 20 images of 28x28 pixels (15696 bytes) but it has 5000 bytes.',
    )
  })

  it('names a label out of range in the test set', async () => {
    const files = await writeIdxSet(folder, {
      replace: { testLabels: idxLabelBytes([...cyclingLabels(19), 255]) },
    })
    await expect(loadIdxSet(files)).rejects.toThrow(
      't10k-labels-idx1-ubyte has label 255 at position 19; labels must be 0 to 9.',
    )
  })

  it('names a missing file', async () => {
    const files = await writeIdxSet(folder)
    await rm(files.trainLabels)
    await expect(loadIdxSet(files)).rejects.toMatchObject({
      message: `${join(folder, 'train-labels-idx1-ubyte')} does not exist.`,
      code: 'not_found',
    })
  })

  it('runs the byte check before parsing', async () => {
    const files = await writeIdxSet(folder)
    await expect(
      loadIdxSet(files, async () => {
        throw new Error('checked')
      }),
    ).rejects.toThrow('checked')
  })
})

describe('summarizeIdxSet', () => {
  it('counts from the headers of gzipped files', async () => {
    const files = await writeIdxSet(folder, { gzip: true, trainCount: 40, testCount: 10, rows: 10, cols: 9 })
    expect(await summarizeIdxSet(files)).toEqual({ rows: 10, cols: 9, trainCount: 40, testCount: 10 })
  })
})
