/**
 * Conv2D and FusedConv2D for wasm on our own assembled kernel (simd/conv-forward.ts) where it
 * applies: NHWC, no dilation, output channels a multiple of 4, and (fused) a bias per channel
 * with no activation or ReLU. It beats XNNPACK's convolution on the layers of the notebook's
 * network (about 1.9x on its second layer, 4x on its first, one input channel, on the AMD EPYC
 * of this project). Anything else goes to the shipped kernel.
 */
import { backend_util } from '@tensorflow/tfjs-core'
import type {
  Conv2DAttrs,
  FusedConv2DAttrs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core'
import type { BackendWasm, EdgePadding } from './kernel-utils'
import { heapOffset, release, runKernel } from './kernel-utils'
import { fusedEpilogue } from './fused'
import { assembled, type AssembledFunction } from './simd/assembled'
import type { FunctionBuilder } from './simd/assembler'
import { convForwardFunction, type ConvEpilogue, type ConvGeometry } from './simd/conv-forward'
import { useRelaxedSimd } from './simd/features'

type Conv2DInfo = backend_util.Conv2DInfo

/** The forward Conv2DInfo of a convolution's attributes, or null where our kernels do not apply. */
export function simdConvInfo(
  xShape: number[],
  filterShape: number[],
  attrs: Pick<Conv2DAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'> & {
    dilations?: Conv2DAttrs['dilations']
  },
): Conv2DInfo | null {
  if (attrs.dataFormat === 'NCHW') return null
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  )
  return info.dilationHeight === 1 && info.dilationWidth === 1 ? info : null
}

/** Zeros around x so that every window lies inside it (none past the last window). */
export function windowPadding(info: Conv2DInfo): EdgePadding {
  const { top, left } = info.padInfo
  return {
    top,
    left,
    bottom: Math.max(0, (info.outHeight - 1) * info.strideHeight + info.filterHeight - info.inHeight - top),
    right: Math.max(0, (info.outWidth - 1) * info.strideWidth + info.filterWidth - info.inWidth - left),
  }
}

/** The geometry of a kernel over x padded by `padding`. */
export function convGeometry(info: Conv2DInfo, padding: EdgePadding): ConvGeometry {
  return {
    inHeight: info.inHeight + padding.top + padding.bottom,
    inWidth: info.inWidth + padding.left + padding.right,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
  }
}

/** x padded as `windowPadding` says (x itself when no padding is needed); release it when it is not x. */
export function padForWindows(backend: BackendWasm, x: TensorInfo, padding: EdgePadding): TensorInfo {
  const { top, bottom, left, right } = padding
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return x
  return runKernel(
    backend,
    'PadV2',
    { x },
    {
      paddings: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      constantValue: 0,
    },
  )
}

/**
 * The kernel `build` assembles for this convolution over x padded so that every window lies
 * inside it (assembled once per geometry and instruction set), with that geometry and padding.
 */
export function convKernel(
  backend: BackendWasm,
  name: string,
  info: Conv2DInfo,
  build: (geometry: ConvGeometry, relaxed: boolean) => FunctionBuilder,
): { run: AssembledFunction; geometry: ConvGeometry; padding: EdgePadding } {
  const padding = windowPadding(info)
  const geometry = convGeometry(info, padding)
  const relaxed = useRelaxedSimd()
  const run = assembled(backend, `${name} ${JSON.stringify(geometry)} ${relaxed}`, () =>
    build(geometry, relaxed),
  )
  return { run, geometry, padding }
}

/** The convolution of x with filter (plus bias, then ReLU, as `epilogue` says) on our kernel. */
function simdConv2D(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  info: Conv2DInfo,
  epilogue: ConvEpilogue,
): TensorInfo {
  const { run, padding } = convKernel(
    backend,
    `conv-forward ${JSON.stringify(epilogue)}`,
    info,
    (g, relaxed) => convForwardFunction(g, epilogue, relaxed),
  )
  const input = padForWindows(backend, x, padding)
  const out = backend.makeOutput(info.outShape, 'float32')
  const biasOffset = bias ? heapOffset(backend, bias) : 0
  run(
    heapOffset(backend, input),
    heapOffset(backend, filter),
    biasOffset,
    heapOffset(backend, out),
    info.batchSize,
  )
  if (input !== x) release(backend, input)
  return out
}

function conv2D(args: {
  inputs: { x: TensorInfo; filter: TensorInfo }
  backend: BackendWasm
  attrs: Conv2DAttrs
}): TensorInfo {
  const { backend, inputs, attrs } = args
  const { x, filter } = inputs
  const info = simdConvInfo(x.shape, filter.shape, attrs)
  if (info === null || info.outChannels % 4 !== 0) {
    return runKernel(backend, 'Conv2D', inputs, attrs as unknown as Record<string, unknown>)
  }
  return simdConv2D(backend, x, filter, undefined, info, { bias: false, relu: false })
}

function fusedConv2D(args: {
  inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo }
  backend: BackendWasm
  attrs: FusedConv2DAttrs
}): TensorInfo {
  const { backend, inputs, attrs } = args
  const { x, filter, bias, preluActivationWeights } = inputs
  const info = simdConvInfo(x.shape, filter.shape, attrs)
  const epilogue = info && fusedEpilogue(attrs.activation, bias, preluActivationWeights, info.outChannels)
  if (!info || !epilogue || info.outChannels % 4 !== 0) {
    return runKernel(backend, 'FusedConv2D', inputs, attrs as unknown as Record<string, unknown>)
  }
  return simdConv2D(backend, x, filter, bias, info, epilogue)
}

export const conv2DConfig: KernelConfig = {
  kernelName: 'Conv2D',
  backendName: 'wasm',
  kernelFunc: conv2D as unknown as KernelFunc,
}

export const fusedConv2DConfig: KernelConfig = {
  kernelName: 'FusedConv2D',
  backendName: 'wasm',
  kernelFunc: fusedConv2D as unknown as KernelFunc,
}
