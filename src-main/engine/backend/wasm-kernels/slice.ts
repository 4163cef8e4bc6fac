/**
 * Slice for wasm that reads the input in place. The shipped kernel first copies the whole input
 * out of the heap (readSync), so taking one image of a batch costs as much as copying the batch.
 * Strings go to the shipped kernel.
 */
import { slice_util, util } from '@tensorflow/tfjs-core'
import type { KernelConfig, KernelFunc, SliceAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from './kernel-utils'
import { runKernel } from './kernel-utils'

function slice(args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: SliceAttrs }): TensorInfo {
  const { backend, inputs, attrs } = args
  const { x } = inputs
  if (x.dtype === 'string') return runKernel(backend, 'Slice', inputs, { ...attrs })
  const [begin, size] = slice_util.parseSliceParams(x as never, attrs.begin, attrs.size)
  const out = backend.makeOutput(size, x.dtype)
  // Views only after the allocation: it may have grown (and so replaced) the heap.
  const source = backend.typedArrayFromHeap(x)
  const target = backend.typedArrayFromHeap(out)
  const strides = util.computeStrides(x.shape)
  if (slice_util.isSliceContinous(x.shape, begin, size)) {
    const from = slice_util.computeFlatOffset(begin, strides)
    target.set(source.subarray(from, from + util.sizeFromShape(size)))
    return out
  }
  // Copy runs along the last axis, walking the other axes like an odometer.
  const rank = x.shape.length
  const run = size[rank - 1]
  const rows = util.sizeFromShape(size) / Math.max(run, 1)
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0)
  for (let row = 0, written = 0; row < rows; row++, written += run) {
    let from = begin[rank - 1]
    for (let axis = 0; axis < rank - 1; axis++) from += (begin[axis] + index[axis]) * strides[axis]
    target.set(source.subarray(from, from + run), written)
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++index[axis] < size[axis]) break
      index[axis] = 0
    }
  }
  return out
}

export const sliceConfig: KernelConfig = {
  kernelName: 'Slice',
  backendName: 'wasm',
  kernelFunc: slice as unknown as KernelFunc,
}
