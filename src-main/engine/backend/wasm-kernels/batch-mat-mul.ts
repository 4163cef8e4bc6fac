/**
 * BatchMatMul and _FusedMatMul for wasm. Products whose result has a multiple of 4 columns run
 * on our assembled kernel (simd/matmul.ts), other products on XNNPACK. The shipped kernel hands
 * transposed products to a naive triple loop; we materialise a transpose first (on our fast
 * transpose), choosing the cheaper of two equal forms:
 *   A B^T = (B A^T)^T and A^T B = (B^T A)^T,
 * so that dy W^T transposes dy and the product, not the large weight matrix.
 */
import { util } from '@tensorflow/tfjs-core'
import type {
  BatchMatMulAttrs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
  _FusedMatMulAttrs,
} from '@tensorflow/tfjs-core'
import { fusedEpilogue } from './fused'
import type { BackendWasm } from './kernel-utils'
import { heapOffset, release, runKernel } from './kernel-utils'
import { assembled } from './simd/assembled'
import type { ConvEpilogue } from './simd/conv-forward'
import { useRelaxedSimd } from './simd/features'
import { matMulFunction, matMulScratchFloats, type MatMulGeometry } from './simd/matmul'
import { transpose } from './transpose'

const NO_EPILOGUE: ConvEpilogue = { bias: false, relu: false }

/**
 * a @ b (+ bias, then ReLU) on our kernel, or null where it does not apply: columns not a
 * multiple of 4, or batch dimensions that neither match nor are all 1.
 */
function simdMatMul(
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | undefined,
  epilogue: ConvEpilogue,
): TensorInfo | null {
  const rank = a.shape.length
  if (rank < 2 || b.shape.length !== rank) return null
  const outerA = a.shape.slice(0, -2)
  const outerB = b.shape.slice(0, -2)
  const [m, k] = [a.shape[rank - 2], a.shape[rank - 1]]
  const n = b.shape[rank - 1]
  const batchA = util.sizeFromShape(outerA)
  const batchB = util.sizeFromShape(outerB)
  const sameOuter = util.arraysEqual(outerA, outerB)
  if (n % 4 !== 0 || b.shape[rank - 2] !== k || !(sameOuter || batchA === 1 || batchB === 1)) return null
  const geometry: MatMulGeometry = { m, k, n, batchA: batchA > 1, batchB: batchB > 1 }
  const relaxed = useRelaxedSimd()
  const key = `matmul ${JSON.stringify(geometry)} ${JSON.stringify(epilogue)} ${relaxed}`
  const run = assembled(backend, key, () => matMulFunction(geometry, epilogue, relaxed))
  const outer = batchA >= batchB ? outerA : outerB
  const out = backend.makeOutput([...outer, m, n], 'float32')
  const scratch = backend.makeOutput([matMulScratchFloats(geometry)], 'float32')
  const biasOffset = bias ? heapOffset(backend, bias) : 0
  run(
    heapOffset(backend, a),
    heapOffset(backend, b),
    biasOffset,
    heapOffset(backend, out),
    Math.max(batchA, batchB),
    heapOffset(backend, scratch),
  )
  release(backend, scratch)
  return out
}

function swapLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length
  const perm = x.shape.map((_, i) => i)
  perm[rank - 2] = rank - 1
  perm[rank - 1] = rank - 2
  return transpose(backend, x, perm)
}

/** a @ b with both operands as given (no transposition flags). */
function plain(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  return (
    simdMatMul(backend, a, b, undefined, NO_EPILOGUE) ??
    runKernel(backend, 'BatchMatMul', { a, b }, { transposeA: false, transposeB: false })
  )
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

/** A dense layer's product with its bias and ReLU in one pass where our kernel applies. */
function fusedMatMul(args: {
  inputs: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo }
  backend: BackendWasm
  attrs: _FusedMatMulAttrs
}): TensorInfo {
  const { backend, inputs, attrs } = args
  const { a, b, bias, preluActivationWeights } = inputs
  const columns = b.shape[b.shape.length - 1]
  const epilogue = fusedEpilogue(attrs.activation, bias, preluActivationWeights, columns)
  if (epilogue && !attrs.transposeA && !attrs.transposeB) {
    const out = simdMatMul(backend, a, b, bias, epilogue)
    if (out) return out
  }
  return runKernel(backend, '_FusedMatMul', inputs, attrs as unknown as Record<string, unknown>)
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as KernelFunc,
}

export const fusedMatMulConfig: KernelConfig = {
  kernelName: '_FusedMatMul',
  backendName: 'wasm',
  kernelFunc: fusedMatMul as unknown as KernelFunc,
}
