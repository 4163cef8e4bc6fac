/**
 * Helpers for training kernels that run on the wasm backend by composing the kernels it ships
 * (Conv2D on XNNPACK, Transpose, PadV2, ...). Intermediates are TensorInfos on the wasm heap and
 * must be released with `release`; outputs are returned to the engine, which owns them.
 */
import { getKernel } from '@tensorflow/tfjs-core'
import type { KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

export type { BackendWasm }

/** Kernels as the wasm package registered them, kept when ours replace them so ours can delegate. */
const shipped = new Map<string, KernelConfig>()

/** Remembers the shipped kernel `name` (once) so `runKernel` keeps reaching it after a replacement. */
export function keepShipped(name: string): KernelConfig | undefined {
  const existing = shipped.get(name)
  if (existing) return existing
  const config = getKernel(name, 'wasm')
  if (config) shipped.set(name, config)
  return config
}

/** Runs the shipped wasm kernel `name` on `backend` and returns its output. */
export function runKernel(
  backend: BackendWasm,
  name: string,
  inputs: NamedTensorInfoMap,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const config = shipped.get(name) ?? getKernel(name, 'wasm')
  if (!config) throw new Error(`wasm kernel ${name} is not registered`)
  const out = config.kernelFunc({ inputs, attrs: attrs as NamedAttrMap, backend })
  if (Array.isArray(out)) throw new Error(`wasm kernel ${name} returned several outputs`)
  return out
}

/** Releases intermediates made by `runKernel` (reshapes share data; refcounts handle that). */
export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId)
}

/** Runs the shipped Reshape (shares x's data). */
export function reshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return runKernel(backend, 'Reshape', { x }, { shape })
}

/** Float32 view of a tensor on the wasm heap. Take it after the last allocation: growth moves the heap. */
export function heapF32(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array
}

/** Byte offset of a tensor's data in the wasm heap, for kernels that run on the heap directly. */
export function heapOffset(backend: BackendWasm, info: TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId)
  if (!data) throw new Error('tensor is not on the wasm backend')
  return data.memoryOffset
}

/** Largest column matrix (floats) a GEMM route may allocate: 32M floats, 128 MiB. */
export const MAX_COLUMN_FLOATS = 32 * 1024 * 1024

/** Padding of the height and width axes of an NHWC tensor; bottom and right may be negative. */
export interface EdgePadding {
  top: number
  bottom: number
  left: number
  right: number
}

/**
 * A stride-1 NHWC Conv2D on XNNPACK with explicit padding. A negative bottom or right means
 * rows/columns past the last window, which never reach the output: they are cropped away first.
 */
export function paddedConv2D(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  { top, bottom, left, right }: EdgePadding,
  dilations: [number, number],
): TensorInfo {
  let input = x
  if (bottom < 0 || right < 0) {
    const [batch, height, width, channels] = x.shape
    input = runKernel(
      backend,
      'Slice',
      { x },
      {
        begin: [0, 0, 0, 0],
        size: [batch, height + Math.min(bottom, 0), width + Math.min(right, 0), channels],
      },
    )
  }
  const out = runKernel(
    backend,
    'Conv2D',
    { x: input, filter },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, Math.max(bottom, 0)],
        [left, Math.max(right, 0)],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations,
    },
  )
  if (input !== x) release(backend, input)
  return out
}
