/**
 * A look at a data set before training on it: a spread of test images covering every class,
 * and how many images each class has in both splits.
 */
import type { AugmentPreview, DatasetPreview } from '@common/contract'
import type { Augmentation } from '@common/recipe'
import type { DatasetRef } from '@common/schemas'
import { checkAugmentation, drawTransform, warpImage } from './augment'
import type { DatasetSplit } from './idx-set'
import { loadDataset, type Dataset, type LoadOptions } from './load'

/**
 * `count` test images taken class by class in turn (the first 0, the first 1, ... then the
 * second of each), so even a short preview shows every class; plus the class counts.
 */
export async function previewDataset(
  ref: DatasetRef,
  count: number,
  options: LoadOptions,
): Promise<DatasetPreview> {
  return buildPreview(await loadDataset(ref, options), count)
}

/** The preview of a loaded data set. */
export function buildPreview(dataset: Dataset, count: number): DatasetPreview {
  const { test, rows, cols, channels } = dataset
  const classCount = dataset.classNames.length
  const wanted = Math.max(0, Math.min(Math.floor(count), test.count))
  const indices = spreadIndices(test.labels, wanted, classCount)
  const size = rows * cols * channels
  const pixels = Buffer.alloc(indices.length * size)
  indices.forEach((index, i) => pixels.set(test.images.subarray(index * size, (index + 1) * size), i * size))
  return {
    ref: dataset.ref,
    rows,
    cols,
    channels,
    pixelsBase64: pixels.toString('base64'),
    labels: indices.map((index) => test.labels[index]),
    classNames: dataset.classNames,
    trainClassCounts: classCounts(dataset.train, classCount),
    testClassCounts: classCounts(test, classCount),
    report: dataset.report,
  }
}

/** Images per class, in label order. */
export function classCounts(split: DatasetSplit, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0)
  for (let i = 0; i < split.count; i++) counts[split.labels[i]]++
  return counts
}

/** Indices of `count` images, round-robin over the classes in label order, each class in file order. */
export function spreadIndices(labels: Uint8Array, count: number, classCount: number): number[] {
  const byClass: number[][] = Array.from({ length: classCount }, () => [])
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i)
  const wanted = Math.min(count, labels.length)
  const picked: number[] = []
  for (let round = 0; picked.length < wanted; round++) {
    for (const members of byClass) {
      if (round < members.length && picked.length < wanted) picked.push(members[round])
    }
  }
  return picked
}

/**
 * `count` training images spread over the classes, as stored and augmented (the image at
 * position i transformed as a step seeded `seed` transforms its i-th image); throws UserError
 * for a flip the data set does not allow.
 */
export function buildAugmentPreview(
  dataset: Dataset,
  augmentation: Augmentation,
  seed: number,
  count: number,
): AugmentPreview {
  checkAugmentation(augmentation, dataset)
  const { train, rows, cols, channels } = dataset
  const indices = spreadIndices(train.labels, Math.min(count, train.count), dataset.classNames.length)
  const size = rows * cols * channels
  const originals = Buffer.alloc(indices.length * size)
  const warped = new Float32Array(size)
  const augmented = Buffer.alloc(indices.length * size)
  indices.forEach((index, i) => {
    originals.set(train.images.subarray(index * size, (index + 1) * size), i * size)
    warpImage(
      train.images,
      index * size,
      rows,
      cols,
      drawTransform(augmentation, seed, i, rows, cols),
      warped,
      0,
      1,
      0,
      channels,
    )
    for (let p = 0; p < size; p++) augmented[i * size + p] = Math.round(warped[p])
  })
  return {
    rows,
    cols,
    channels,
    indices,
    labels: indices.map((index) => train.labels[index]),
    originalsBase64: originals.toString('base64'),
    augmentedBase64: augmented.toString('base64'),
  }
}
