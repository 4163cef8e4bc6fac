/**
 * Conv2DBackpropFilter for wasm, which the package does not ship. The filter gradient
 *   dW[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh*sh + kh - pt, ow*sw + kw - pl, ci] * dy[n, oh, ow, co]
 * runs on our assembled implicit GEMM (simd/conv-backprop.ts) when the output channels are a
 * multiple of 4. Otherwise it is a GEMM over an im2col matrix, or a forward convolution once
 * the operands are transposed: the input is x as
 * [ci, h, w, n] (the batch becomes the channel axis that is summed), the "filter" is dy as
 * [oh, ow, n, co], dilated by the forward stride, and the output [ci, kh, kw, co] is transposed
 * back. That runs on XNNPACK's convolution, an order of magnitude faster than a direct loop.
 */
import { backend_util } from '@tensorflow/tfjs-core'
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from './kernel-utils'
import { MAX_COLUMN_FLOATS, heapOffset, paddedConv2D, release, reshape, runKernel } from './kernel-utils'
import { convKernel, padForWindows } from './conv2d'
import { convFilterFunction } from './simd/conv-backprop'
import { simdKernels } from './simd/kernels'
import { transpose } from './transpose'

/** dW on our assembled kernel over x padded so that every window lies inside it. */
function viaSimd(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { run, padding } = convKernel(backend, 'conv-filter', info, convFilterFunction)
  const input = padForWindows(backend, x, padding)
  const dw = backend.makeOutput(info.filterShape, 'float32')
  run(heapOffset(backend, input), heapOffset(backend, dy), heapOffset(backend, dw), info.batchSize)
  if (input !== x) release(backend, input)
  return dw
}

/**
 * dW[kh*kw*ci, co] = colsT[kh*kw*ci, n*oh*ow] @ dy[n*oh*ow, co] on XNNPACK's GEMM, colsT built
 * by im2col. Cheaper than the convolution route when the filter has few rows (a first layer on
 * one or a few channels): that route transposes all of dy with a naive strided loop.
 */
function viaGemm(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize, outHeight, outWidth, outChannels, inChannels, filterHeight, filterWidth } = info
  const rows = filterHeight * filterWidth * inChannels
  const length = batchSize * outHeight * outWidth
  const colsT = backend.makeOutput([1, rows, length], 'float32')
  simdKernels(backend).im2colTransposed(heapOffset(backend, x), heapOffset(backend, colsT), info)
  const dy3 = reshape(backend, dy, [1, length, outChannels])
  const dw3 = runKernel(
    backend,
    'BatchMatMul',
    { a: colsT, b: dy3 },
    { transposeA: false, transposeB: false },
  )
  const dw = reshape(backend, dw3, [filterHeight, filterWidth, inChannels, outChannels])
  release(backend, colsT, dy3, dw3)
  return dw
}

type Route = 'simd' | 'gemm' | 'conv'
let forcedRoute: Route | null = null

/** For tests: take one route whatever the cost model says (null: back to the model). */
export function forceBackpropFilterRoute(route: Route | null): void {
  forcedRoute = route
}

/** Our kernel where the output channels allow; else GEMM when its im2col matrix is not much bigger than dy (which the convolution route transposes). */
export function filterRoute(info: backend_util.Conv2DInfo): Route {
  if (forcedRoute !== null && (forcedRoute !== 'simd' || info.outChannels % 4 === 0)) return forcedRoute
  if (info.outChannels % 4 === 0) return 'simd'
  const rows = info.filterHeight * info.filterWidth * info.inChannels
  if (rows * info.batchSize * info.outHeight * info.outWidth > MAX_COLUMN_FLOATS) return 'conv'
  return rows <= 2 * info.outChannels ? 'gemm' : 'conv'
}

function conv2DBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo }
  backend: BackendWasm
  attrs: Conv2DBackpropFilterAttrs
}): TensorInfo {
  const { backend, inputs, attrs } = args
  const { x, dy } = inputs
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs
  if (dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports only NHWC')
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  )
  const route = filterRoute(info)
  if (route === 'simd') return viaSimd(backend, x, dy, info)
  if (route === 'gemm') return viaGemm(backend, x, dy, info)
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info
  // Rows/columns past the last window never reach the gradient: pad to them or crop them away.
  const padding = {
    top: info.padInfo.top,
    bottom: filterHeight + (outHeight - 1) * strideHeight - inHeight - info.padInfo.top,
    left: info.padInfo.left,
    right: filterWidth + (outWidth - 1) * strideWidth - inWidth - info.padInfo.left,
  }
  const xT = transpose(backend, x, [3, 1, 2, 0])
  const dyT = transpose(backend, dy, [1, 2, 0, 3])
  const dwT = paddedConv2D(backend, xT, dyT, padding, [strideHeight, strideWidth])
  let dw: TensorInfo
  if (inChannels === 1) {
    dw = reshape(backend, dwT, [filterHeight, filterWidth, 1, outChannels])
  } else {
    dw = transpose(backend, dwT, [1, 2, 0, 3])
  }
  release(backend, xT, dyT, dwT)
  return dw
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
}
