import { mkdir, readdir, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DecodeProgress } from './image-set'
import { SHAPE_CLASSES, truncatedJpeg, writeShapesFolder } from './image-folder.fixtures'
import { tempFolder } from './idx-fixtures'
import { scanImageFolder } from './image-folder'
import { clearDatasetCache, loadDataset } from './load'
import { describeDatasets } from './describe'
import { previewDataset } from './preview'

let root: string
let home: string
let folder: string
beforeEach(async () => {
  root = await tempFolder()
  home = join(root, 'home')
  folder = join(root, 'shapes')
  clearDatasetCache()
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

/** The mean of each channel over every image of a class. */
function meanColour(images: Uint8Array, labels: Uint8Array, label: number, pixels: number): number[] {
  const sums = [0, 0, 0]
  let count = 0
  labels.forEach((l, i) => {
    if (l !== label) return
    count++
    for (let p = 0; p < pixels; p++) for (let c = 0; c < 3; c++) sums[c] += images[(i * pixels + p) * 3 + c]
  })
  return sums.map((sum) => sum / (count * pixels))
}

/** Every file under a folder with its size and modification time. */
async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return Promise.all(
    entries.map(async (e) => {
      const path = join(e.parentPath, e.name)
      const info = await stat(path)
      return `${path} ${info.size} ${info.mtimeMs}`
    }),
  ).then((lines) => lines.sort())
}

describe('a folder of class subfolders', () => {
  it('loads in colour with the classes sorted, a stratified fifth split off, and nothing written in it', async () => {
    await writeShapesFolder(folder, { perClass: 10 })
    const before = await snapshot(folder)
    const dataset = await loadDataset({ kind: 'folder', path: folder }, { home })
    expect(dataset.classNames).toEqual(['circle', 'square', 'triangle'])
    expect([dataset.rows, dataset.cols, dataset.channels]).toEqual([32, 32, 3])
    expect(dataset.ref).toEqual({ kind: 'folder', path: folder, inputSize: 32, color: 'rgb', fit: 'crop' })
    expect([dataset.train.count, dataset.test.count]).toEqual([24, 6])
    expect(Array.from(dataset.test.labels).sort()).toEqual([0, 0, 1, 1, 2, 2])
    // The classes are mixed, not one after the other.
    expect(Array.from(dataset.train.labels.subarray(0, 12)).sort()).not.toEqual(
      Array.from(dataset.train.labels.subarray(0, 12)),
    )
    // Each label's images have its class's colour: red circles, green squares, blue triangles.
    for (const label of [0, 1, 2]) {
      const mean = meanColour(dataset.train.images, dataset.train.labels, label, 32 * 32)
      const others = mean.filter((_, c) => c !== label)
      expect(mean[label], dataset.classNames[label]).toBeGreaterThan(Math.max(...others) + 20)
    }
    expect(dataset.report).toMatchObject({
      format: 'images',
      testPart: 'split',
      skippedCount: 0,
      emptyClasses: [],
    })
    expect(dataset.report!.sourceSizes).toEqual([
      [32, 32],
      [32, 32],
    ])
    expect(await snapshot(folder)).toEqual(before)
  })

  it('takes train/ and test/ as they are, at the size, colour and fit asked', async () => {
    await writeShapesFolder(folder, { perClass: 6, testPerClass: 2, width: 48, height: 40 })
    const dataset = await loadDataset(
      { kind: 'folder', path: folder, inputSize: 16, color: 'grey', fit: 'stretch' },
      { home },
    )
    expect([dataset.rows, dataset.cols, dataset.channels]).toEqual([16, 16, 1])
    expect([dataset.train.count, dataset.test.count]).toEqual([12, 6])
    expect(dataset.train.images.length).toBe(12 * 16 * 16)
    expect(dataset.report).toMatchObject({ testPart: 'folders', input: { inputSize: 16, color: 'grey' } })
  })

  it('skips and names a corrupt JPEG, reports an empty class folder, and says what else it ignored', async () => {
    await writeShapesFolder(folder, { perClass: 5 })
    await writeFile(join(folder, 'square', 'broken.jpg'), await truncatedJpeg())
    await mkdir(join(folder, 'empty'))
    await writeFile(join(folder, 'circle', 'notes.txt'), 'not an image')
    await writeFile(join(folder, '.DS_Store'), 'hidden')
    const dataset = await loadDataset({ kind: 'folder', path: folder }, { home })
    expect(dataset.classNames).toEqual(['circle', 'square', 'triangle'])
    expect(dataset.train.count + dataset.test.count).toBe(15)
    expect(dataset.report).toMatchObject({
      skippedCount: 1,
      skipped: [
        { file: 'square/broken.jpg', reason: expect.stringMatching(/premature end of JPEG|corrupt header/) },
      ],
      emptyClasses: ['empty'],
      notes: ['1 file that is not an image was ignored.'],
    })
    // One test image a class (a fifth of 5): the preview shows the three.
    const preview = await previewDataset({ kind: 'folder', path: folder }, 6, { home })
    expect(preview.channels).toBe(3)
    expect(Buffer.from(preview.pixelsBase64, 'base64').length).toBe(3 * 32 * 32 * 3)
    expect(preview.labels).toEqual([0, 1, 2])
    expect(preview.report?.skipped[0].file).toBe('square/broken.jpg')
  })

  it('refuses one class, no image, and an empty folder, each with one sentence', async () => {
    await writeShapesFolder(folder, { classes: [SHAPE_CLASSES[0]], perClass: 4 })
    await expect(loadDataset({ kind: 'folder', path: folder }, { home })).rejects.toThrow(
      `The folder ${folder} has images of one class only (circle); a classifier needs at least two class folders.`,
    )
    const broken = join(root, 'broken')
    await mkdir(join(broken, 'a'), { recursive: true })
    await mkdir(join(broken, 'b'))
    await writeFile(join(broken, 'a', 'x.jpg'), await truncatedJpeg())
    await expect(loadDataset({ kind: 'folder', path: broken }, { home })).rejects.toThrow(
      /^The folder .*broken holds no image the workbench can read in class subfolders \(PNG, JPEG, WebP, GIF or BMP\); 1 file could not be decoded \(a\/x\.jpg: .*(premature end of JPEG image|corrupt header)\)\.$/,
    )
    const empty = join(root, 'empty')
    await mkdir(empty)
    await expect(loadDataset({ kind: 'folder', path: empty }, { home })).rejects.toThrow(
      `The folder ${empty} holds no data set: no class subfolders of images, no CIFAR-10 batches (data_batch_1.bin, test_batch.bin) and no IDX files (train-images-idx3-ubyte and the other three).`,
    )
  })

  it('decodes once: a second load reads the cache, a changed folder is decoded again', async () => {
    await writeShapesFolder(folder, { perClass: 5 })
    const progress: DecodeProgress[] = []
    const first = await loadDataset(
      { kind: 'folder', path: folder },
      { home, onProgress: (p) => progress.push(p) },
    )
    expect(progress.at(-1)).toEqual({ done: 15, total: 15, skipped: 0 })
    const cacheDir = join(home, 'cache', 'datasets')
    expect(await readdir(cacheDir)).toHaveLength(1)

    clearDatasetCache()
    const again: DecodeProgress[] = []
    const second = await loadDataset(
      { kind: 'folder', path: folder },
      { home, onProgress: (p) => again.push(p) },
    )
    expect(again).toEqual([])
    expect(second).not.toBe(first)
    expect(Buffer.from(second.train.images).equals(Buffer.from(first.train.images))).toBe(true)
    expect(Array.from(second.test.labels)).toEqual(Array.from(first.test.labels))
    expect(second.report).toEqual(first.report)

    // A touched file changes the signature: decoded again, and the old cache file goes.
    const touched = join(folder, 'circle', 'circle-0.png')
    await utimes(touched, new Date(), new Date(Date.now() + 5000))
    const third: DecodeProgress[] = []
    await loadDataset({ kind: 'folder', path: folder }, { home, onProgress: (p) => third.push(p) })
    expect(third.at(-1)?.done).toBe(15)
    const files = await readdir(cacheDir)
    expect(files).toHaveLength(1)

    // A torn cache file is never used: it is decoded again and rewritten whole.
    clearDatasetCache()
    await truncate(join(cacheDir, files[0]), 100)
    const fourth: DecodeProgress[] = []
    const rebuilt = await loadDataset(
      { kind: 'folder', path: folder },
      { home, onProgress: (p) => fourth.push(p) },
    )
    expect(fourth.at(-1)?.done).toBe(15)
    expect(rebuilt.train.count).toBe(12)
  })

  it('is listed with its format, input and counts before decoding', async () => {
    await writeShapesFolder(folder, { perClass: 5, width: 200, height: 100, format: 'jpeg' })
    const [, , info] = await describeDatasets({ home, dataFolder: folder })
    expect(info).toMatchObject({
      available: true,
      format: 'images',
      classNames: ['circle', 'square', 'triangle'],
      trainCount: 12,
      testCount: 3,
      // Photographs of mixed sides would be resized to their median shorter side, here 100, capped at 64.
      input: { inputSize: 64, color: 'rgb', fit: 'crop' },
      inputShape: [64, 64, 3],
      report: null,
    })
  })
})

describe('scanning a folder', () => {
  it('changes its signature when an image changes, and not for other files', async () => {
    await writeShapesFolder(folder, { perClass: 2 })
    const first = await scanImageFolder(folder)
    expect(first.files.map((f) => f.relative)).toContain('circle/circle-0.png')
    await writeFile(join(folder, 'readme.txt'), 'about')
    expect((await scanImageFolder(folder)).signature).toBe(first.signature)
    await writeFile(join(folder, 'square', 'square-0.png'), 'replaced by other bytes')
    expect((await scanImageFolder(folder)).signature).not.toBe(first.signature)
  })
})
