/**
 * Sum for wasm when it reduces leading axes (the bias gradient of every layer: dy summed over
 * batch and pixels). The shipped kernel first transposes the reduced axes to the end with a
 * naive loop; adding whole rows with SIMD instead reads the input once, in order. Other
 * reductions go to the shipped kernel.
 */
import { backend_util, util } from '@tensorflow/tfjs-core'
import type { KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from './kernel-utils'
import { heapF32, heapOffset, runKernel } from './kernel-utils'
import { simdKernels } from './simd/kernels'

function sum(args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: SumAttrs }): TensorInfo {
  const { backend, inputs, attrs } = args
  const { x } = inputs
  const axes = util.parseAxisParam(attrs.axis, x.shape)
  const leading = axes.length > 0 && [...axes].sort((a, b) => a - b).every((axis, i) => axis === i)
  if (x.dtype !== 'float32' || !leading || axes.length === x.shape.length) {
    return runKernel(backend, 'Sum', inputs, { ...attrs })
  }
  const rows = util.sizeFromShape(x.shape.slice(0, axes.length))
  const kept = x.shape.slice(axes.length)
  const shape = attrs.keepDims ? backend_util.expandShapeToKeepDim(kept, axes) : kept
  const out = backend.makeOutput(shape, 'float32')
  heapF32(backend, out).fill(0)
  simdKernels(backend).sumRows(
    heapOffset(backend, x),
    heapOffset(backend, out),
    rows,
    util.sizeFromShape(kept),
  )
  return out
}

export const sumConfig: KernelConfig = {
  kernelName: 'Sum',
  backendName: 'wasm',
  kernelFunc: sum as unknown as KernelFunc,
}
