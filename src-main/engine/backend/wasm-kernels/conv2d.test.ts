import * as tf from '@tensorflow/tfjs-core'
import { afterAll, describe, it } from 'vitest'
import { forceRelaxedSimd, relaxedSimdAvailable } from './simd/features'
import { expectClose, onCpuAndWasm, values } from './test-helpers'

type Pad = 'valid' | 'same'
// [batch, height, width, inChannels, outChannels, kernel, stride, padding]
const CASES: [number, number, number, number, number, number, number, Pad][] = [
  [2, 9, 9, 1, 4, 3, 1, 'valid'],
  [3, 10, 8, 2, 8, 5, 2, 'same'],
  [2, 11, 11, 3, 12, 4, 3, 'valid'],
  [1, 7, 7, 2, 4, 7, 1, 'same'],
  [2, 12, 12, 1, 20, 11, 4, 'same'],
  [4, 8, 8, 5, 16, 1, 1, 'valid'],
  [2, 13, 13, 6, 4, 2, 2, 'valid'],
  [2, 9, 10, 3, 36, 6, 4, 'valid'],
  [5, 6, 6, 8, 16, 3, 1, 'same'],
  [3, 28, 28, 1, 32, 5, 1, 'valid'],
  [2, 12, 12, 32, 64, 5, 1, 'valid'],
  [2, 7, 9, 3, 6, 3, 1, 'same'],
]

const name = (c: (typeof CASES)[number]) =>
  `n${c[0]} ${c[1]}x${c[2]}x${c[3]}->${c[4]} k${c[5]} s${c[6]} ${c[7]}`

const instructionSets = relaxedSimdAvailable() ? ([true, false] as const) : ([false] as const)

describe.each(instructionSets)('Conv2D and FusedConv2D on wasm, relaxed SIMD %s', (relaxed) => {
  afterAll(() => forceRelaxedSimd(null))
  it.each(CASES.map((c) => [name(c), c] as const))('matches cpu: %s', async (_, c) => {
    forceRelaxedSimd(relaxed)
    const [n, h, w, ci, co, k, s, pad] = c
    const { cpu, wasm } = await onCpuAndWasm(() => {
      const x = tf.tensor4d(values(n * h * w * ci, 1), [n, h, w, ci])
      const filter = tf.tensor4d(values(k * k * ci * co, 2), [k, k, ci, co])
      const bias = tf.tensor1d(values(co, 3))
      return [
        tf.conv2d(x, filter, s, pad),
        tf.fused.conv2d({ x, filter, strides: s, pad, bias, activation: 'relu' }),
        tf.fused.conv2d({ x, filter, strides: s, pad, bias }),
      ]
    })
    cpu.forEach((expected, i) => expectClose(wasm[i], expected, 1e-4, ['conv2d', 'relu', 'linear'][i]))
  })
})
