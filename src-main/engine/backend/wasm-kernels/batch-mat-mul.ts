/**
 * BatchMatMul for wasm that keeps transposed products on XNNPACK. The shipped kernel hands
 * `transposeA`/`transposeB` products to a naive triple loop, and the gradients of every dense
 * layer are such products (x^T dy and dy W^T). We materialise a transpose first (the shipped
 * kernel then takes its XNNPACK path), choosing the cheaper of two equal forms:
 *   A B^T = (B A^T)^T and A^T B = (B^T A)^T,
 * so that dy W^T transposes dy and the product, not the large weight matrix.
 */
import { util } from '@tensorflow/tfjs-core'
import type { BatchMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from './kernel-utils'
import { release, runKernel, transpose } from './kernel-utils'

function swapLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length
  const perm = x.shape.map((_, i) => i)
  perm[rank - 2] = rank - 1
  perm[rank - 1] = rank - 2
  return transpose(backend, x, perm)
}

/** a @ b with both operands as given (no transposition flags). */
function plain(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  return runKernel(backend, 'BatchMatMul', { a, b }, { transposeA: false, transposeB: false })
}

/** op(a) @ op(b) where op transposes when its flag says so; transposes the operand given. */
function viaOperandTranspose(backend: BackendWasm, a: TensorInfo, b: TensorInfo, ta: boolean, tb: boolean) {
  const a2 = ta ? swapLastTwo(backend, a) : a
  const b2 = tb ? swapLastTwo(backend, b) : b
  const out = plain(backend, a2, b2)
  if (ta) release(backend, a2)
  if (tb) release(backend, b2)
  return out
}

/** (op(b)^T @ op(a)^T)^T: same product, transposing the other operand and the result instead. */
function viaResultTranspose(backend: BackendWasm, a: TensorInfo, b: TensorInfo, ta: boolean, tb: boolean) {
  const productT = viaOperandTranspose(backend, b, a, !tb, !ta)
  const out = swapLastTwo(backend, productT)
  release(backend, productT)
  return out
}

function batchMatMul(args: {
  inputs: { a: TensorInfo; b: TensorInfo }
  backend: BackendWasm
  attrs: BatchMatMulAttrs
}): TensorInfo {
  const { backend, inputs, attrs } = args
  const { a, b } = inputs
  const { transposeA, transposeB } = attrs
  if (!transposeA && !transposeB) return plain(backend, a, b)
  // Only one flag set (the gradients of a plain product): pick the form that moves fewer floats.
  if (transposeA !== transposeB && a.shape.length === 2 && b.shape.length === 2) {
    const sizeA = util.sizeFromShape(a.shape)
    const sizeB = util.sizeFromShape(b.shape)
    const rows = transposeA ? a.shape[1] : a.shape[0]
    const cols = transposeB ? b.shape[0] : b.shape[1]
    const direct = transposeA ? sizeA : sizeB
    const flipped = (transposeA ? sizeB : sizeA) + rows * cols
    if (flipped < direct) return viaResultTranspose(backend, a, b, transposeA, transposeB)
  }
  return viaOperandTranspose(backend, a, b, transposeA, transposeB)
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as KernelFunc,
}
