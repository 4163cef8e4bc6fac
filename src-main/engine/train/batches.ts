import * as tf from '@tensorflow/tfjs-core'
import { normalizePixels } from '../data'

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

/** The tensors of the images at `indices` (any order); the caller disposes them. */
export function gatherBatch(set: ImageSet, indices: ArrayLike<number>, rows: number, cols: number): Batch {
  const size = rows * cols
  const pixels = new Uint8Array(indices.length * size)
  const labels = new Int32Array(indices.length)
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]
    pixels.set(set.images.subarray(index * size, (index + 1) * size), i * size)
    labels[i] = set.labels[index]
  }
  return {
    inputs: tf.tensor4d(normalizePixels(pixels), [indices.length, rows, cols, 1]),
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
