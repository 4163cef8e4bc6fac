/**
 * The loops of batch normalization in training, as WebAssembly SIMD over the wasm backend's
 * heap. Every tensor is `rows` x `channels` floats (NHWC with the pixels of the whole batch as
 * rows); per-channel vectors (shift, scale, sums) are `channels` floats. Four channels go at a
 * time, the last `channels % 4` one by one. Each loop reads its inputs once: the statistics
 * and the normalization take one pass each, and so do the two halves of the gradient.
 */
import type { BackendWasm } from '../kernel-utils'
import { FunctionBuilder } from './assembler'
import { assembled } from './assembled'

export interface BatchNormKernels {
  /**
   * sums[c] += x[r, c] - shift[c] and squares[c] += (x[r, c] - shift[c])^2 over every row: the
   * shifted sums that give a variance without cancellation (shift by a value near the mean).
   */
  shiftedSums(x: number, shift: number, sums: number, squares: number, rows: number, channels: number): void
  /** y[r, c] = x[r, c] * scale[c] + shift[c]. */
  affine(x: number, y: number, scale: number, shift: number, rows: number, channels: number): void
  /** sumDy[c] += dy[r, c] and sumDyCentred[c] += dy[r, c] * (x[r, c] - mean[c]). */
  gradientSums(
    dy: number,
    x: number,
    mean: number,
    sumDy: number,
    sumDyCentred: number,
    rows: number,
    channels: number,
  ): void
  /** dx[r, c] = a[c] * dy[r, c] + b[c] * x[r, c] + k[c]. */
  gradientInput(
    dy: number,
    x: number,
    dx: number,
    a: number,
    b: number,
    k: number,
    rows: number,
    channels: number,
  ): void
}

/** Loads, stores and arithmetic of one lane width: four floats as a v128, or one as an f32. */
interface Lanes {
  bytes: number
  load(f: FunctionBuilder): FunctionBuilder
  store(f: FunctionBuilder): FunctionBuilder
  add(f: FunctionBuilder): FunctionBuilder
  sub(f: FunctionBuilder): FunctionBuilder
  mul(f: FunctionBuilder): FunctionBuilder
}

const QUAD: Lanes = {
  bytes: 16,
  load: (f) => f.v128Load(),
  store: (f) => f.v128Store(),
  add: (f) => f.f32x4Add(),
  sub: (f) => f.f32x4Sub(),
  mul: (f) => f.f32x4Mul(),
}
const SINGLE: Lanes = {
  bytes: 4,
  load: (f) => f.f32Load(),
  store: (f) => f.f32Store(),
  add: (f) => f.f32Add(),
  sub: (f) => f.f32Sub(),
  mul: (f) => f.f32Mul(),
}

/**
 * A function over rows of channels: `rowPointers` walk the whole tensors (advancing row after
 * row), `channelPointers` start again at their parameter every row. `body` emits one lane's
 * work with the pointers at the lane; they advance by the lane width after it.
 */
function rowsFunction(
  name: string,
  rowParams: number,
  channelParams: number,
  body: (f: FunctionBuilder, lanes: Lanes, rowPtrs: number[], channelPtrs: number[]) => void,
): FunctionBuilder {
  // rowPointers..., channelPointers..., rows, quads, rest
  const params = rowParams + channelParams + 3
  const f = new FunctionBuilder(name, Array<'i32'>(params).fill('i32'))
  const [rows, quads, rest] = [params - 3, params - 2, params - 1]
  const rowPtrs = Array.from({ length: rowParams }, () => f.local('i32'))
  const channelPtrs = Array.from({ length: channelParams }, () => f.local('i32'))
  const [r, k] = [f.local('i32'), f.local('i32')]
  rowPtrs.forEach((ptr, i) => f.get(i).set(ptr))
  f.forRange(r, rows, () => {
    channelPtrs.forEach((ptr, i) => f.get(rowParams + i).set(ptr))
    for (const [lanes, count] of [
      [QUAD, quads],
      [SINGLE, rest],
    ] as const) {
      f.forRange(k, count, () => {
        body(f, lanes, rowPtrs, channelPtrs)
        for (const ptr of [...rowPtrs, ...channelPtrs]) f.inc(ptr, lanes.bytes)
      })
    }
  })
  return f
}

function shiftedSumsFunction(): FunctionBuilder {
  return rowsFunction('shiftedSums', 1, 3, (f, L, [x], [shift, sums, squares]) => {
    const centred = () => {
      L.load(f.get(x))
      L.load(f.get(shift))
      L.sub(f)
    }
    f.get(sums)
    L.load(f.get(sums))
    centred()
    L.store(L.add(f))
    f.get(squares)
    L.load(f.get(squares))
    centred()
    centred()
    L.store(L.add(L.mul(f)))
  })
}

function affineFunction(): FunctionBuilder {
  return rowsFunction('affine', 2, 2, (f, L, [x, y], [scale, shift]) => {
    f.get(y)
    L.load(f.get(x))
    L.load(f.get(scale))
    L.mul(f)
    L.load(f.get(shift))
    L.store(L.add(f))
  })
}

function gradientSumsFunction(): FunctionBuilder {
  return rowsFunction('gradientSums', 2, 3, (f, L, [dy, x], [mean, sumDy, sumDyCentred]) => {
    f.get(sumDy)
    L.load(f.get(sumDy))
    L.load(f.get(dy))
    L.store(L.add(f))
    f.get(sumDyCentred)
    L.load(f.get(sumDyCentred))
    L.load(f.get(dy))
    L.load(f.get(x))
    L.load(f.get(mean))
    L.sub(f)
    L.mul(f)
    L.store(L.add(f))
  })
}

function gradientInputFunction(): FunctionBuilder {
  return rowsFunction('gradientInput', 3, 3, (f, L, [dy, x, dx], [a, b, k]) => {
    f.get(dx)
    L.load(f.get(dy))
    L.load(f.get(a))
    L.mul(f)
    L.load(f.get(x))
    L.load(f.get(b))
    L.mul(f)
    L.add(f)
    L.load(f.get(k))
    L.store(L.add(f))
  })
}

/** The batch-norm loops bound to this backend's heap (assembled and compiled once, instantiated once per heap). */
export function batchNormKernels(backend: BackendWasm): BatchNormKernels {
  const run = (name: string, build: () => FunctionBuilder) => assembled(backend, `batchNorm.${name}`, build)
  const split = (channels: number) => [channels >> 2, channels & 3]
  return {
    shiftedSums: (x, shift, sums, squares, rows, channels) =>
      run('shiftedSums', shiftedSumsFunction)(x, shift, sums, squares, rows, ...split(channels)),
    affine: (x, y, scale, shift, rows, channels) =>
      run('affine', affineFunction)(x, y, scale, shift, rows, ...split(channels)),
    gradientSums: (dy, x, mean, sumDy, sumDyCentred, rows, channels) =>
      run('gradientSums', gradientSumsFunction)(dy, x, mean, sumDy, sumDyCentred, rows, ...split(channels)),
    gradientInput: (dy, x, dx, a, b, k, rows, channels) =>
      run('gradientInput', gradientInputFunction)(dy, x, dx, a, b, k, rows, ...split(channels)),
  }
}
