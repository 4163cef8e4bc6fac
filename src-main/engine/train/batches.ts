import * as tf from '@tensorflow/tfjs-core'
import type { Augmentation } from '@common/recipe'
import { drawTransform, normalizePixels, warpImage } from '../data'

/** Images and labels of one split: `count` images of rows x cols x channels bytes (interleaved), one label each. */
export interface ImageSet {
  images: Uint8Array
  labels: Uint8Array
  count: number
}

/** The shape of one image: rows x cols pixels of 1 (grey) or 3 (RGB) channels. */
export interface ImageShape {
  rows: number
  cols: number
  channels: number
}

/** A batch as tensors: inputs [n, rows, cols, channels] scaled to [-1, 1], labels as int32 class ids. */
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

/** Bytes of one image of `shape`. */
export function imageBytes({ rows, cols, channels }: ImageShape): number {
  return rows * cols * channels
}

/**
 * The tensors of the images at `indices` (any order), each warped by its transform when
 * `augment` is given (every channel of an image by the same one); the caller disposes them.
 */
export function gatherBatch(
  set: ImageSet,
  indices: ArrayLike<number>,
  shape: ImageShape,
  augment: BatchAugmentation | null = null,
): Batch {
  const { rows, cols, channels } = shape
  const size = imageBytes(shape)
  const labels = new Int32Array(indices.length)
  for (let i = 0; i < indices.length; i++) labels[i] = set.labels[indices[i]]
  let inputs: Float32Array
  if (augment) {
    inputs = new Float32Array(indices.length * size)
    for (let i = 0; i < indices.length; i++) {
      const transform = drawTransform(augment.augmentation, augment.seed, augment.offset + i, rows, cols)
      // Warped byte values scaled as normalizePixels scales bytes: x / 127.5 - 1.
      warpImage(set.images, indices[i] * size, rows, cols, transform, inputs, i * size, 2 / 255, -1, channels)
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
    inputs: tf.tensor4d(inputs, [indices.length, rows, cols, channels]),
    labels: tf.tensor1d(labels, 'int32'),
  }
}

/** The tensors of `count` consecutive images from `start`; the caller disposes them. */
export function sliceBatch(set: ImageSet, start: number, count: number, shape: ImageShape): Batch {
  const size = imageBytes(shape)
  const pixels = set.images.subarray(start * size, (start + count) * size)
  return {
    inputs: tf.tensor4d(normalizePixels(pixels), [count, shape.rows, shape.cols, shape.channels]),
    labels: tf.tensor1d(Int32Array.from(set.labels.subarray(start, start + count)), 'int32'),
  }
}

/** The first `limit` images of a set (all of them when limit is null or larger). */
export function limitSet(set: ImageSet, limit: number | null, shape: ImageShape): ImageSet {
  if (limit === null || limit >= set.count) return set
  return {
    images: set.images.subarray(0, limit * imageBytes(shape)),
    labels: set.labels.subarray(0, limit),
    count: limit,
  }
}
