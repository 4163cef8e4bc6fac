/**
 * Conv2DBackpropFilter for wasm, which the package does not ship. The filter gradient
 *   dW[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh*sh + kh - pt, ow*sw + kw - pl, ci] * dy[n, oh, ow, co]
 * is itself a forward convolution once the operands are transposed: the input is x as
 * [ci, h, w, n] (the batch becomes the channel axis that is summed), the "filter" is dy as
 * [oh, ow, n, co], dilated by the forward stride, and the output [ci, kh, kw, co] is transposed
 * back. That runs on XNNPACK's convolution, an order of magnitude faster than a direct loop.
 */
import { backend_util } from '@tensorflow/tfjs-core'
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from './kernel-utils'
import { release, reshape, runKernel, transpose } from './kernel-utils'

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
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  // Rows/columns past the last window never reach the gradient: pad to them or crop them away.
  let bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - top
  let right = filterWidth + (outWidth - 1) * strideWidth - inWidth - left
  const temps: TensorInfo[] = []
  let input = x
  if (bottom < 0 || right < 0) {
    const keepHeight = inHeight + Math.min(bottom, 0)
    const keepWidth = inWidth + Math.min(right, 0)
    input = runKernel(
      backend,
      'Slice',
      { x },
      { begin: [0, 0, 0, 0], size: [batchSize, keepHeight, keepWidth, inChannels] },
    )
    temps.push(input)
    bottom = Math.max(bottom, 0)
    right = Math.max(right, 0)
  }
  const xT = transpose(backend, input, [3, 1, 2, 0])
  const dyT = transpose(backend, dy, [1, 2, 0, 3])
  temps.push(xT, dyT)
  const dwT = runKernel(
    backend,
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [strideHeight, strideWidth],
    },
  )
  let dw: TensorInfo
  if (inChannels === 1) {
    dw = reshape(backend, dwT, [filterHeight, filterWidth, 1, outChannels])
  } else {
    dw = transpose(backend, dwT, [1, 2, 0, 3])
  }
  temps.push(dwT)
  release(backend, ...temps)
  return dw
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
}
