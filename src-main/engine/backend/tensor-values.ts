import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from './wasm-kernels/kernel-utils'

/**
 * The float values of `t`: on wasm a view of the backend's heap, no copy (read it before the
 * next tensor is made: an allocation may grow and so move the heap); elsewhere `dataSync()`.
 */
export function tensorValues(t: tf.Tensor): Float32Array {
  if (tf.getBackend() === 'wasm') {
    return (tf.backend() as unknown as BackendWasm).typedArrayFromHeap(t) as Float32Array
  }
  return t.dataSync() as Float32Array
}
