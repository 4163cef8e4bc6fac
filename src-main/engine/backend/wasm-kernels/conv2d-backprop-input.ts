/**
 * Conv2DBackpropInput for wasm on XNNPACK. The input gradient of a convolution is the "full"
 * correlation of dy with the filter rotated by 180 degrees and its channel axes swapped:
 *   dx[n, h, w, ci] = sum over kh, kw, co of dyUp[n, h + kh - (KH-1-pt), w + kw - (KW-1-pl), co] * W[KH-1-kh, KW-1-kw, ci, co]
 * where dyUp is dy with stride-1 zeros inserted between its rows and columns (dy itself for
 * stride 1). That is a forward Conv2D, which XNNPACK runs far faster than the shipped direct loop.
 * Where dx is much larger than dy, a GEMM plus col2im (`viaGemm`) does less work instead. Both
 * give way to our assembled kernel (simd/conv-backprop.ts, the GEMM with col2im folded into its
 * store) where a kernel row's (kw, ci) values come in fours.
 * Layouts neither path covers (NCHW) go to the shipped kernel.
 */
import { backend_util } from '@tensorflow/tfjs-core'
import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from './kernel-utils'
import {
  MAX_COLUMN_FLOATS,
  heapF32,
  heapOffset,
  paddedConv2D,
  release,
  reshape,
  runKernel,
} from './kernel-utils'
import { convKernel } from './conv2d'
import { convInputFunction } from './simd/conv-backprop'
import { simdKernels } from './simd/kernels'
import { transpose } from './transpose'

/** dx on our assembled kernel, into dx padded so that every window lies inside it, then cropped. */
function viaSimd(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { run, geometry, padding } = convKernel(backend, 'conv-input', info, convInputFunction)
  const wT = transpose(backend, filter, [3, 0, 1, 2])
  const shape = [info.batchSize, geometry.inHeight, geometry.inWidth, info.inChannels]
  const padded = backend.makeOutput(shape, 'float32')
  run(heapOffset(backend, dy), heapOffset(backend, wT), heapOffset(backend, padded), info.batchSize)
  release(backend, wT)
  if (geometry.inHeight === info.inHeight && geometry.inWidth === info.inWidth) return padded
  const dx = runKernel(
    backend,
    'Slice',
    { x: padded },
    { begin: [0, padding.top, padding.left, 0], size: info.inShape },
  )
  release(backend, padded)
  return dx
}

/** dy [n, oh, ow, c] with (sh-1) zero rows after every row and (sw-1) zero columns after every column. */
function upsampleWithZeros(backend: BackendWasm, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  const [n, oh, ow, c] = dy.shape
  const r6 = reshape(backend, dy, [n, oh, 1, ow, 1, c])
  const padded = runKernel(
    backend,
    'PadV2',
    { x: r6 },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  )
  const up = reshape(backend, padded, [n, oh * sh, ow * sw, c])
  release(backend, r6, padded)
  return up
}

/**
 * dx as a GEMM and a scatter: cols[n*oh*ow, kh*kw*ci] = dy[n*oh*ow, co] @ W[kh*kw*ci, co]^T on
 * XNNPACK, then col2im adds every column back onto the input pixel it came from. No
 * multiplications by inserted zeros, so it wins where the padded convolution wastes most: when
 * dx is much larger than dy (valid padding, strides).
 */
function viaGemm(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize, outHeight, outWidth, outChannels, inChannels, filterHeight, filterWidth } = info
  const kkc = filterHeight * filterWidth * inChannels
  const dy3 = reshape(backend, dy, [1, batchSize * outHeight * outWidth, outChannels])
  const w2 = reshape(backend, filter, [kkc, outChannels])
  const wT = transpose(backend, w2, [1, 0])
  const wT3 = reshape(backend, wT, [1, outChannels, kkc])
  const cols = runKernel(backend, 'BatchMatMul', { a: dy3, b: wT3 }, { transposeA: false, transposeB: false })
  const dx = backend.makeOutput(info.inShape, 'float32')
  heapF32(backend, dx).fill(0)
  simdKernels(backend).col2im(heapOffset(backend, cols), heapOffset(backend, dx), info)
  release(backend, dy3, w2, wT, wT3, cols)
  return dx
}

/** What col2im costs per column value, in multiply-adds of XNNPACK's convolution (measured ~5). */
const COL2IM_COST = 8

type Route = 'simd' | 'gemm' | 'padded'
let forcedRoute: Route | null = null

/** For tests: take one route whatever the cost model says (null: back to the model). */
export function forceBackpropInputRoute(route: Route | null): void {
  forcedRoute = route
}

/** Whether our kernel applies: a kernel row's values come in whole vectors. */
function simdApplies(info: backend_util.Conv2DInfo): boolean {
  return (info.filterWidth * info.inChannels) % 4 === 0
}

/**
 * Our kernel where it applies; else the GEMM route, which does dy-sized work plus col2im, or
 * the padded convolution, which does dx-sized work.
 */
export function inputRoute(info: backend_util.Conv2DInfo): Route {
  if (forcedRoute !== null && (forcedRoute !== 'simd' || simdApplies(info))) return forcedRoute
  if (simdApplies(info)) return 'simd'
  const { batchSize, outHeight, outWidth, inHeight, inWidth, outChannels, inChannels } = info
  const columns = batchSize * outHeight * outWidth * info.filterHeight * info.filterWidth * inChannels
  if (columns > MAX_COLUMN_FLOATS) return 'padded'
  return outHeight * outWidth * (outChannels + COL2IM_COST) < inHeight * inWidth * outChannels
    ? 'gemm'
    : 'padded'
}

function conv2DBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo }
  backend: BackendWasm
  attrs: Conv2DBackpropInputAttrs
}): TensorInfo {
  const { backend, inputs, attrs } = args
  const { dy, filter } = inputs
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs
  if (dataFormat === 'NCHW') {
    return runKernel(backend, 'Conv2DBackpropInput', inputs, attrs as unknown as Record<string, unknown>)
  }
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  )
  const { inHeight, inWidth, inChannels, outChannels, filterHeight, filterWidth } = info
  const { strideHeight, strideWidth, outHeight, outWidth } = info
  const route = inputRoute(info)
  if (route === 'simd') return viaSimd(backend, dy, filter, info)
  if (route === 'gemm') return viaGemm(backend, dy, filter, info)
  const temps: TensorInfo[] = []
  let dyUp = dy
  if (strideHeight > 1 || strideWidth > 1) {
    dyUp = upsampleWithZeros(backend, dy, strideHeight, strideWidth)
    temps.push(dyUp)
  }
  // dyUp has (stride-1) trailing zero rows/columns past the last real one; count them as padding.
  const top = filterHeight - 1 - info.padInfo.top
  const left = filterWidth - 1 - info.padInfo.left
  const padding = {
    top,
    bottom: inHeight + filterHeight - 1 - outHeight * strideHeight - top,
    left,
    right: inWidth + filterWidth - 1 - outWidth * strideWidth - left,
  }
  const rotated = runKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] })
  const swapped =
    inChannels === 1 || outChannels === 1
      ? reshape(backend, rotated, [filterHeight, filterWidth, outChannels, inChannels])
      : transpose(backend, rotated, [0, 1, 3, 2])
  temps.push(rotated, swapped)
  const dx = paddedConv2D(backend, dyUp, swapped, padding, [1, 1])
  release(backend, ...temps)
  return dx
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
}
