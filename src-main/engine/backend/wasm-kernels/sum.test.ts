import * as tf from '@tensorflow/tfjs-core'
import { describe, it } from 'vitest'
import { sumConfig } from './sum'
import { expectClose, onCpuAndWasm, values } from './test-helpers'

// [shape, axes, keepDims]
const CASES: [number[], number[], boolean][] = [
  [[6, 5, 5, 8], [0, 1, 2], false],
  [[6, 5, 5, 7], [0, 1, 2], true],
  [[10, 13], [0], false],
  [[4, 3, 6], [1, 0], false],
  [[4, 3, 6], [0], true],
  [[4, 3, 6], [2], false],
  [[4, 3, 6], [0, 2], false],
  [[4, 3, 6], [0, 1, 2], false],
]

describe('Sum on wasm', () => {
  it.each(CASES.map((c) => [`${c[0]} over ${c[1]} keepDims=${c[2]}`, c] as const))(
    'matches cpu: %s',
    async (_, [shape, axes, keepDims]) => {
      const x = values(
        shape.reduce((a, b) => a * b),
        12,
      )
      const { cpu, wasm } = await onCpuAndWasm(() => {
        const result = tf.sum(tf.tensor(x, shape), axes, keepDims)
        return [result, tf.tensor1d(result.shape)]
      }, sumConfig)
      expectClose(wasm[1], cpu[1], 0, 'shape')
      expectClose(wasm[0], cpu[0], 1e-5)
    },
  )
})
