/**
 * MaxPoolGrad for wasm. The shipped kernel starts each window's maximum at the smallest positive
 * float, so a window whose values are all negative (after tanh, elu or no activation) sends its
 * gradient to the wrong pixel; it is also slow. This one makes one pass over the windows: find
 * the first maximum of each (as the cpu backend and TensorFlow do) and add dy there. Full 2x2
 * windows at stride 2 (what the model builder makes) run as WebAssembly SIMD, four channels at a
 * time; windows cut by 'same' padding and other shapes run the JavaScript loop.
 */
import { backend_util } from '@tensorflow/tfjs-core'
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from './kernel-utils'
import { heapF32, heapOffset } from './kernel-utils'
import { simdKernels } from './simd/kernels'

function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo }
  backend: BackendWasm
  attrs: MaxPoolGradAttrs
}): TensorInfo {
  const { backend, inputs, attrs } = args
  const { dy, input } = inputs
  const { filterSize, strides, pad, dimRoundingMode } = attrs
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  )
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info
  const padTop = info.padInfo.top
  const padLeft = info.padInfo.left

  const out = backend.makeOutput(input.shape, 'float32')
  // Views only after the allocation above: growing the heap detaches older ones.
  const x = heapF32(backend, input)
  const g = heapF32(backend, dy)
  const dx = heapF32(backend, out)
  const rowStride = inWidth * channels
  const imageStride = inHeight * rowStride

  const simd =
    filterHeight === 2 &&
    filterWidth === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    padTop === 0 &&
    padLeft === 0 &&
    channels % 4 === 0
  // Windows wholly inside the input: the SIMD kernel's share when it applies.
  const fullHeight = simd ? Math.min(outHeight, Math.floor(inHeight / 2)) : 0
  const fullWidth = simd ? Math.min(outWidth, Math.floor(inWidth / 2)) : 0
  if (!simd || inHeight % 2 !== 0 || inWidth % 2 !== 0) dx.fill(0)
  if (simd) {
    const [xAt, dyAt, dxAt] = [input, dy, out].map((t) => heapOffset(backend, t))
    simdKernels(backend).maxPoolGrad2x2(xAt, dyAt, dxAt, info, fullHeight, fullWidth)
  }

  let gOffset = 0
  for (let b = 0; b < batchSize; b++) {
    const xImage = b * imageStride
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = Math.max(0, oh * strideHeight - padTop)
      const h1 = Math.min(inHeight, oh * strideHeight - padTop + filterHeight)
      for (let ow = 0; ow < outWidth; ow++, gOffset += channels) {
        if (oh < fullHeight && ow < fullWidth) continue
        const w0 = Math.max(0, ow * strideWidth - padLeft)
        const w1 = Math.min(inWidth, ow * strideWidth - padLeft + filterWidth)
        const corner = xImage + h0 * rowStride + w0 * channels
        if (h1 - h0 === 2 && w1 - w0 === 2) {
          // The common full 2x2 window, unrolled (about twice as fast as the general loop).
          for (let c = 0; c < channels; c++) {
            const p00 = corner + c
            const p01 = p00 + channels
            const p10 = p00 + rowStride
            const p11 = p10 + channels
            let best = x[p00]
            let where = p00
            if (!(best > Number.NEGATIVE_INFINITY)) where = -1
            let v = x[p01]
            if (v > best || (where < 0 && v > Number.NEGATIVE_INFINITY)) {
              best = v
              where = p01
            }
            v = x[p10]
            if (v > best || (where < 0 && v > Number.NEGATIVE_INFINITY)) {
              best = v
              where = p10
            }
            v = x[p11]
            if (v > best || (where < 0 && v > Number.NEGATIVE_INFINITY)) {
              best = v
              where = p11
            }
            if (where >= 0) dx[where] += g[gOffset + c]
          }
          continue
        }
        for (let c = 0; c < channels; c++) {
          // First maximum in row-major window order, as the cpu backend picks it.
          let best = Number.NEGATIVE_INFINITY
          let where = -1
          for (let h = h0, row = corner + c; h < h1; h++, row += rowStride) {
            for (let w = w0, at = row; w < w1; w++, at += channels) {
              const v = x[at]
              if (v > best) {
                best = v
                where = at
              }
            }
          }
          if (where >= 0) dx[where] += g[gOffset + c]
        }
      }
    }
  }
  return out
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
}
