/**
 * Conv2DBackpropInput for wasm on XNNPACK. The input gradient of a convolution is the "full"
 * correlation of dy with the filter rotated by 180 degrees and its channel axes swapped:
 *   dx[n, h, w, ci] = sum over kh, kw, co of dyUp[n, h + kh - (KH-1-pt), w + kw - (KW-1-pl), co] * W[KH-1-kh, KW-1-kw, ci, co]
 * where dyUp is dy with stride-1 zeros inserted between its rows and columns (dy itself for
 * stride 1). That is a forward Conv2D, which XNNPACK runs far faster than the shipped direct loop.
 * Layouts the fast path does not cover (NCHW) go to the shipped kernel.
 */
import { backend_util } from '@tensorflow/tfjs-core'
import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from './kernel-utils'
import { release, reshape, runKernel, transpose } from './kernel-utils'

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
  const { batchSize, inHeight, inWidth, inChannels, outChannels, filterHeight, filterWidth } = info
  const { strideHeight, strideWidth, outHeight, outWidth } = info
  const temps: TensorInfo[] = []
  let dyUp = dy
  if (strideHeight > 1 || strideWidth > 1) {
    dyUp = upsampleWithZeros(backend, dy, strideHeight, strideWidth)
    temps.push(dyUp)
  }
  // dyUp has (stride-1) trailing zero rows/columns past the last real one; count them as padding.
  const upHeight = outHeight * strideHeight
  const upWidth = outWidth * strideWidth
  const top = filterHeight - 1 - info.padInfo.top
  const left = filterWidth - 1 - info.padInfo.left
  let bottom = inHeight + filterHeight - 1 - upHeight - top
  let right = inWidth + filterWidth - 1 - upWidth - left
  if (bottom < 0 || right < 0) {
    const cropped = runKernel(
      backend,
      'Slice',
      { x: dyUp },
      {
        begin: [0, 0, 0, 0],
        size: [batchSize, upHeight + Math.min(bottom, 0), upWidth + Math.min(right, 0), outChannels],
      },
    )
    temps.push(cropped)
    dyUp = cropped
    bottom = Math.max(bottom, 0)
    right = Math.max(right, 0)
  }
  const rotated = runKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] })
  const swapped =
    inChannels === 1 || outChannels === 1
      ? reshape(backend, rotated, [filterHeight, filterWidth, outChannels, inChannels])
      : transpose(backend, rotated, [0, 1, 3, 2])
  temps.push(rotated, swapped)
  const dx = runKernel(
    backend,
    'Conv2D',
    { x: dyUp, filter: swapped },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    },
  )
  release(backend, ...temps)
  return dx
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
}
