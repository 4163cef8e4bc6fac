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

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runKernel(backend, 'Transpose', { x }, { perm })
}

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
