import * as tf from '@tensorflow/tfjs-core'
import type { Augmentation } from '@common/recipe'
import { drawTransform, normalizePixels, warpImage } from '../data'

/** Images and labels of one split: `count` images of rows x cols bytes, one label each. */
export interface ImageSet {
  images: Uint8Array
  labels: Uint8Array
  count: number
}

/** A batch as tensors: inputs [n, rows, cols, 1] scaled to [-1, 1], labels as int32 class ids. */
export interface Batch {
  inputs: tf.Tensor4D
  labels: tf.Tensor1D
}

/** How a step's images are augmented: the settings, the step's seed, and where its part starts in the batch. */
export interface BatchAugmentation {
  augmentation: Augmentation
  seed: number
  offset: number
}

/**
 * The tensors of the images at `indices` (any order), each warped by its transform when
 * `augment` is given; the caller disposes them.
 */
export function gatherBatch(
  set: ImageSet,
  indices: ArrayLike<number>,
  rows: number,
  cols: number,
  augment: BatchAugmentation | null = null,
): Batch {
  const size = rows * cols
  const labels = new Int32Array(indices.length)
  for (let i = 0; i < indices.length; i++) labels[i] = set.labels[indices[i]]
  let inputs: Float32Array
  if (augment) {
    inputs = new Float32Array(indices.length * size)
    for (let i = 0; i < indices.length; i++) {
      const transform = drawTransform(augment.augmentation, augment.seed, augment.offset + i, rows, cols)
      // Warped byte values scaled as normalizePixels scales bytes: x / 127.5 - 1.
      warpImage(set.images, indices[i] * size, rows, cols, transform, inputs, i * size, 2 / 255, -1)
    }
  } else {
    const pixels = new Uint8Array(indices.length * size)
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]
      pixels.set(set.images.subarray(index * size, (index + 1) * size), i * size)
    }
    inputs = normalizePixels(pixels)
  }
  return {
    inputs: tf.tensor4d(inputs, [indices.length, rows, cols, 1]),
    labels: tf.tensor1d(labels, 'int32'),
  }
}

/** The tensors of `count` consecutive images from `start`; the caller disposes them. */
export function sliceBatch(set: ImageSet, start: number, count: number, rows: number, cols: number): Batch {
  const size = rows * cols
  const pixels = set.images.subarray(start * size, (start + count) * size)
  return {
    inputs: tf.tensor4d(normalizePixels(pixels), [count, rows, cols, 1]),
    labels: tf.tensor1d(Int32Array.from(set.labels.subarray(start, start + count)), 'int32'),
  }
}

/** The first `limit` images of a set (all of them when limit is null or larger). */
export function limitSet(set: ImageSet, limit: number | null, rows: number, cols: number): ImageSet {
  if (limit === null || limit >= set.count) return set
  return {
    images: set.images.subarray(0, limit * rows * cols),
    labels: set.labels.subarray(0, limit),
    count: limit,
  }
}
