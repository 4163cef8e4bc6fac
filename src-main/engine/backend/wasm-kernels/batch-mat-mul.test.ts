import * as tf from '@tensorflow/tfjs-core'
import { describe, it } from 'vitest'
import { batchMatMulConfig } from './batch-mat-mul'
import { expectClose, onCpuAndWasm, values } from './test-helpers'

// [aShape, bShape, transposeA, transposeB]
const CASES: [number[], number[], boolean, boolean][] = [
  [[5, 7], [7, 3], false, false],
  [[7, 5], [7, 3], true, false],
  [[5, 7], [3, 7], false, true],
  [[7, 5], [3, 7], true, true],
  // dense-layer gradient shapes: x^T dy (wide x) and dy W^T (large W)
  [[16, 300], [16, 40], true, false],
  [[16, 40], [300, 40], false, true],
  [[40, 16], [300, 40], true, true],
  [[2, 4, 6], [2, 6, 3], false, false],
  [[2, 6, 4], [2, 3, 6], true, true],
  [[3, 4, 6], [1, 5, 6], false, true],
  // the notebook's dense layers: forward, x^T dy, dy W^T
  [[10, 1024], [1024, 500], false, false],
  [[10, 1024], [10, 500], true, false],
  [[10, 500], [1024, 500], false, true],
  [[9, 12], [12, 8], false, false],
  [[3, 9, 12], [1, 12, 8], false, false],
  [[1, 12, 9], [3, 12, 8], true, false],
]

describe('BatchMatMul on wasm', () => {
  it.each(CASES.map((c) => [`${c[0]} x ${c[1]} tA=${c[2]} tB=${c[3]}`, c] as const))(
    'matches cpu: %s',
    async (_, [aShape, bShape, transposeA, transposeB]) => {
      const a = values(
        aShape.reduce((p, q) => p * q),
        5,
      )
      const b = values(
        bShape.reduce((p, q) => p * q),
        6,
      )
      const { cpu, wasm } = await onCpuAndWasm(
        () => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), transposeA, transposeB),
        batchMatMulConfig,
      )
      expectClose(wasm[0], cpu[0])
    },
  )
})
