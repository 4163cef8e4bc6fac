import * as tf from '@tensorflow/tfjs-core'
import { describe, it } from 'vitest'
import { sliceConfig } from './slice'
import { expectClose, onCpuAndWasm, values } from './test-helpers'

// [shape, begin, size]
const CASES: [number[], number[], number[]][] = [
  [
    [6, 4, 4, 3],
    [2, 0, 0, 0],
    [1, 4, 4, 3],
  ],
  [
    [6, 4, 4, 3],
    [1, 1, 0, 0],
    [3, 2, 4, 3],
  ],
  [
    [6, 4, 4, 3],
    [0, 1, 2, 1],
    [6, 3, 1, 2],
  ],
  [
    [10, 7],
    [3, 2],
    [4, -1],
  ],
  [[9], [2], [5]],
  [
    [2, 3, 2, 3, 2],
    [1, 0, 1, 1, 0],
    [1, 3, 1, 2, 2],
  ],
  [
    [3, 0, 4],
    [0, 0, 0],
    [3, 0, 4],
  ],
]

describe('Slice on wasm', () => {
  it.each(CASES.map((c) => [`${c[0]} from ${c[1]} size ${c[2]}`, c] as const))(
    'matches cpu: %s',
    async (_, [shape, begin, size]) => {
      const x = values(
        shape.reduce((a, b) => a * b, 1),
        13,
      )
      const { cpu, wasm } = await onCpuAndWasm(
        () => [
          tf.slice(tf.tensor(x, shape), begin, size),
          tf.slice(
            tf.tensor(
              Int32Array.from(x, (v) => Math.round(v * 100)),
              shape,
              'int32',
            ),
            begin,
            size,
          ),
        ],
        sliceConfig,
      )
      expectClose(wasm[0], cpu[0], 0)
      expectClose(wasm[1], cpu[1], 0)
    },
  )
})
