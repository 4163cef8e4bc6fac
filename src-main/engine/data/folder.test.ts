import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { canonicalName, findIdxFiles, scanIdxFolder } from './folder'
import { tempFolder } from './idx-fixtures'

let folder: string
beforeEach(async () => {
  folder = await tempFolder()
})
afterEach(async () => {
  await rm(folder, { recursive: true, force: true })
})

async function touch(...names: string[]) {
  for (const name of names) await writeFile(join(folder, name), '')
}

describe('finding IDX files in a folder', () => {
  it('finds the names the mirrors use, gzipped or not', async () => {
    await touch(
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte.gz',
    )
    expect(await findIdxFiles(folder)).toEqual({
      trainImages: join(folder, 'train-images-idx3-ubyte.gz'),
      trainLabels: join(folder, 'train-labels-idx1-ubyte'),
      testImages: join(folder, 't10k-images-idx3-ubyte'),
      testLabels: join(folder, 't10k-labels-idx1-ubyte.gz'),
    })
  })

  it("accepts Kaggle's '.' variants and other cases", async () => {
    await touch(
      'train-images.idx3-ubyte',
      'train-labels.idx1-ubyte',
      'T10K-IMAGES.IDX3-UBYTE',
      't10k_labels_idx1_ubyte.gz',
    )
    const files = await findIdxFiles(folder)
    expect(files.trainImages).toBe(join(folder, 'train-images.idx3-ubyte'))
    expect(files.testImages).toBe(join(folder, 'T10K-IMAGES.IDX3-UBYTE'))
    expect(files.testLabels).toBe(join(folder, 't10k_labels_idx1_ubyte.gz'))
  })

  it('prefers the uncompressed copy when both are there', async () => {
    await touch('train-images-idx3-ubyte.gz', 'train-images-idx3-ubyte')
    expect((await scanIdxFolder(folder)).found.trainImages).toBe(join(folder, 'train-images-idx3-ubyte'))
  })

  it('follows links to files but ignores folders with matching names', async () => {
    await touch('elsewhere')
    await symlink(join(folder, 'elsewhere'), join(folder, 'train-labels-idx1-ubyte'))
    await mkdir(join(folder, 'train-images-idx3-ubyte'))
    const scan = await scanIdxFolder(folder)
    expect(scan.found.trainLabels).toBe(join(folder, 'train-labels-idx1-ubyte'))
    expect(scan.missing).toContain('trainImages')
  })

  it('names the one missing file', async () => {
    await touch('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte')
    await expect(findIdxFiles(folder)).rejects.toMatchObject({
      message: `The folder ${folder} has no t10k-labels-idx1-ubyte (it may also end in .gz).`,
      code: 'not_found',
      field: 'dataset',
    })
  })

  it('names every missing file', async () => {
    await touch('train-images-idx3-ubyte')
    await expect(findIdxFiles(folder)).rejects.toThrow(
      `The folder ${folder} has no train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may also end in .gz).`,
    )
  })

  it('says when the folder does not exist or is a file', async () => {
    await expect(findIdxFiles(join(folder, 'nope'))).rejects.toThrow(
      `The folder ${join(folder, 'nope')} does not exist.`,
    )
    await touch('plain')
    await expect(findIdxFiles(join(folder, 'plain'))).rejects.toThrow(
      `${join(folder, 'plain')} is a file, not a folder.`,
    )
  })

  it('compares names without case, separators or .gz', () => {
    expect(canonicalName('Train_Images.IDX3-ubyte.GZ')).toBe('train-images-idx3-ubyte')
  })
})
