/**
 * Transpose for wasm. Permutations that swap two blocks of axes after some fixed leading ones
 * (a matrix transpose, [0, 2, 1], [3, 0, 1, 2], [1, 2, 3, 0] ...) are a batch of matrix
 * transposes and run on our assembled kernel (simd/transpose.ts); other permutations and
 * strings go to the shipped kernel. Our kernels transpose through `transpose` here as well.
 */
import { util } from '@tensorflow/tfjs-core'
import type { KernelConfig, KernelFunc, TensorInfo, TransposeAttrs } from '@tensorflow/tfjs-core'
import type { BackendWasm } from './kernel-utils'
import { heapOffset, runKernel } from './kernel-utils'
import { assembled } from './simd/assembled'
import { transposeFunction } from './simd/transpose'

/**
 * `perm` as a batch of matrix transposes: the leading axes it keeps, then the two blocks it
 * swaps, as (batch, rows, cols) sizes of `shape`; null for any other permutation.
 */
export function asMatrixTranspose(
  shape: readonly number[],
  perm: readonly number[],
): { batch: number; rows: number; cols: number } | null {
  let fixed = 0
  while (fixed < perm.length && perm[fixed] === fixed) fixed++
  if (fixed === perm.length) return null
  const split = perm[fixed]
  const swapped = [
    ...Array.from({ length: perm.length - split }, (_, i) => split + i),
    ...Array.from({ length: split - fixed }, (_, i) => fixed + i),
  ]
  if (!swapped.every((axis, i) => perm[fixed + i] === axis)) return null
  const size = (from: number, to: number) => util.sizeFromShape(shape.slice(from, to))
  return { batch: size(0, fixed), rows: size(fixed, split), cols: size(split, shape.length) }
}

/** x with its axes permuted: axis i of the result is axis perm[i] of x. */
export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  const matrices = x.dtype === 'string' ? null : asMatrixTranspose(x.shape, perm)
  if (matrices === null) return runKernel(backend, 'Transpose', { x }, { perm })
  const out = backend.makeOutput(
    perm.map((axis) => x.shape[axis]),
    x.dtype,
  )
  const { batch, rows, cols } = matrices
  const run = assembled(backend, `transpose ${rows}x${cols}`, () => transposeFunction(rows, cols))
  run(heapOffset(backend, x), heapOffset(backend, out), batch)
  return out
}

function transposeKernel(args: {
  inputs: { x: TensorInfo }
  backend: BackendWasm
  attrs: TransposeAttrs
}): TensorInfo {
  return transpose(args.backend, args.inputs.x, args.attrs.perm)
}

export const transposeConfig: KernelConfig = {
  kernelName: 'Transpose',
  backendName: 'wasm',
  kernelFunc: transposeKernel as unknown as KernelFunc,
}
