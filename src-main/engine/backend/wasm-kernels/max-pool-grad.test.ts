import * as tf from '@tensorflow/tfjs-core'
import { describe, it } from 'vitest'
import { expectClose, onCpuAndWasm, values } from './test-helpers'

type Pad = 'valid' | 'same'
// [inputShape, filter, stride, padding, how the input is filled]
const CASES: [number[], number, number, Pad, 'random' | 'negative' | 'ties'][] = [
  [[2, 8, 8, 3], 2, 2, 'valid', 'random'],
  [[2, 9, 7, 4], 2, 2, 'valid', 'random'],
  [[2, 9, 7, 4], 2, 2, 'same', 'random'],
  [[3, 6, 6, 2], 2, 2, 'valid', 'negative'],
  [[3, 7, 5, 2], 2, 2, 'same', 'negative'],
  [[2, 6, 6, 3], 2, 2, 'valid', 'ties'],
  [[1, 7, 7, 2], 3, 1, 'same', 'random'],
  [[2, 10, 10, 5], 3, 2, 'valid', 'negative'],
  [[1, 5, 5, 1], 5, 1, 'valid', 'random'],
  // Channels in fours: the SIMD path, around partial windows at odd edges.
  [[2, 8, 8, 8], 2, 2, 'valid', 'ties'],
  [[3, 7, 9, 4], 2, 2, 'same', 'negative'],
  [[2, 7, 6, 12], 2, 2, 'valid', 'random'],
  [[2, 5, 5, 16], 2, 2, 'same', 'ties'],
]

function input(shape: number[], fill: (typeof CASES)[number][4]): Float32Array {
  const v = values(
    shape.reduce((a, b) => a * b),
    7,
  )
  if (fill === 'negative') return v.map((x) => -Math.abs(x) - 0.01)
  // After ReLU many windows are all zeros, and equal maxima must pick the same pixel as cpu.
  if (fill === 'ties') return v.map((x) => Math.max(0, Math.round(x * 2) / 2))
  return v
}

const name = (c: (typeof CASES)[number]) => `${c[0]} ${c[1]}x${c[1]} s${c[2]} ${c[3]} ${c[4]}`

describe('MaxPoolGrad on wasm', () => {
  it.each(CASES.map((c) => [name(c), c] as const))(
    'matches cpu: %s',
    async (_, [shape, size, stride, pad, fill]) => {
      const x = input(shape, fill)
      const { cpu, wasm } = await onCpuAndWasm(() => {
        const xt = tf.tensor4d(x, shape as [number, number, number, number])
        // Gradient of sum(maxPool(x) * w): dy = w, a different weight for every output.
        return tf.grad((t: tf.Tensor) => {
          const y = tf.maxPool(t as tf.Tensor4D, size, stride, pad)
          return tf.sum(tf.mul(y, tf.tensor(values(y.size, 8), y.shape)))
        })(xt)
      })
      expectClose(wasm[0], cpu[0])
    },
  )
})

describe('pooling forward and AvgPoolGrad on wasm (shipped kernels)', () => {
  it.each([
    [[2, 9, 7, 4], 'valid'],
    [[2, 9, 7, 4], 'same'],
    [[1, 24, 24, 8], 'valid'],
    [[3, 5, 5, 2], 'same'],
  ] as const)('matches cpu: %j %s', async (shape, pad) => {
    const x = values(
      (shape as readonly number[]).reduce((a, b) => a * b),
      9,
    )
    const { cpu, wasm } = await onCpuAndWasm(() => {
      const xt = tf.tensor4d(x, shape as unknown as [number, number, number, number])
      const weighted = (y: tf.Tensor) => tf.sum(tf.mul(y, tf.tensor(values(y.size, 10), y.shape)))
      return [
        tf.maxPool(xt, 2, 2, pad),
        tf.avgPool(xt, 2, 2, pad),
        tf.grad((t: tf.Tensor) => weighted(tf.avgPool(t as tf.Tensor4D, 2, 2, pad)))(xt),
      ]
    })
    for (let i = 0; i < 3; i++) expectClose(wasm[i], cpu[i], 1e-5, ['maxPool', 'avgPool', 'avgPoolGrad'][i])
  })
})
