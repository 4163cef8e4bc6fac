/**
 * One Adam update of a variable in a single pass over its values, instead of the fifteen
 * element-wise kernels (and their temporaries) of tfjs's AdamOptimizer:
 *   m' = m b1 + g (1 - b1),  v' = v b2 + g^2 (1 - b2)
 *   w' = (m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + epsilon) * -lr + w
 * every operation rounded to float32 in tfjs's order (no fused multiply-add), so the result is
 * the same as tfjs's to the bit.
 */
import { FunctionBuilder } from './assembler'

/** The scalars of one update, in the function's parameter order. */
export const ADAM_SCALARS = [
  'beta1',
  'oneMinusBeta1',
  'beta2',
  'oneMinusBeta2',
  'oneMinusAccBeta1',
  'oneMinusAccBeta2',
  'epsilon',
  'negativeLearningRate',
] as const

/** The function `adam(w, g, m, v, newW, newM, newV, size, ...ADAM_SCALARS)`. */
export function adamFunction(): FunctionBuilder {
  const f = new FunctionBuilder('adam', [
    ...Array<'i32'>(8).fill('i32'),
    ...ADAM_SCALARS.map(() => 'f32' as const),
  ])
  const pointers = [0, 1, 2, 3, 4, 5, 6]
  const size = 7
  const scalars = ADAM_SCALARS.map((_, i) => 8 + i)
  const [k, quads] = [f.local('i32'), f.local('i32')]
  const splats = scalars.map((s) => {
    const local = f.local('v128')
    f.get(s).f32x4Splat().set(local)
    return local
  })
  const [w, g, m, v] = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')]
  const [sw, sg, sm, sv] = [f.local('f32'), f.local('f32'), f.local('f32'), f.local('f32')]

  /** One update of 4 floats (vector) or 1 (scalar), from the pointers' current positions. */
  const update = (vector: boolean) => {
    const [W, G, M, V] = vector ? [w, g, m, v] : [sw, sg, sm, sv]
    const c = vector ? splats : scalars
    const load = (p: number) => (vector ? f.get(p).v128Load() : f.get(p).f32Load())
    const mul = () => (vector ? f.f32x4Mul() : f.f32Mul())
    const add = () => (vector ? f.f32x4Add() : f.f32Add())
    const div = () => (vector ? f.f32x4Div() : f.f32Div())
    const sqrt = () => (vector ? f.f32x4Sqrt() : f.f32Sqrt())
    const store = (p: number, value: number) => {
      f.get(p).get(value)
      if (vector) f.v128Store()
      else f.f32Store()
    }
    ;[W, G, M, V].forEach((local, i) => load(pointers[i]).set(local))
    // m' and v'
    f.get(M).get(c[0])
    mul()
    f.get(G).get(c[1])
    mul()
    add()
    f.set(M)
    f.get(V).get(c[2])
    mul()
    f.get(G).get(G)
    mul()
    f.get(c[3])
    mul()
    add()
    f.set(V)
    store(pointers[5], M)
    store(pointers[6], V)
    // w'
    f.get(M).get(c[4])
    div()
    f.get(V).get(c[5])
    div()
    sqrt()
    f.get(c[6])
    add()
    div()
    f.get(c[7])
    mul()
    f.get(W)
    add()
    f.set(W)
    store(pointers[4], W)
    for (const p of pointers) f.inc(p, vector ? 16 : 4)
  }

  f.get(size).i32(2).shrU().set(quads)
  f.forRange(k, quads, () => update(true))
  f.get(size).i32(3).and().set(quads)
  f.forRange(k, quads, () => update(false))
  return f
}
