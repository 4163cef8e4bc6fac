import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { asMatrixTranspose } from './transpose'
import { onCpuAndWasm, values } from './test-helpers'

// [shape, perm]: matrix transposes of every size class (blocks of 4, bands of 16, leftovers), batches, other perms
const CASES: [number[], number[]][] = [
  [
    [1024, 500],
    [1, 0],
  ],
  [
    [37, 23],
    [1, 0],
  ],
  [
    [3, 1],
    [1, 0],
  ],
  [
    [1, 5],
    [1, 0],
  ],
  [
    [2, 17, 9],
    [0, 2, 1],
  ],
  [
    [5, 5, 32, 64],
    [3, 0, 1, 2],
  ],
  [
    [4, 3, 3, 6],
    [1, 2, 3, 0],
  ],
  [
    [2, 3, 4, 5],
    [0, 1, 3, 2],
  ],
  [
    [2, 3, 4, 5],
    [3, 1, 2, 0],
  ],
  [
    [2, 3, 4, 5],
    [1, 0, 3, 2],
  ],
]

describe('Transpose on wasm', () => {
  it('recognises the permutations that are batches of matrix transposes', () => {
    expect(asMatrixTranspose([2, 3, 4], [0, 2, 1])).toEqual({ batch: 2, rows: 3, cols: 4 })
    expect(asMatrixTranspose([5, 5, 32, 64], [3, 0, 1, 2])).toEqual({ batch: 1, rows: 800, cols: 64 })
    expect(asMatrixTranspose([2, 3, 4, 5], [3, 1, 2, 0])).toBeNull()
    expect(asMatrixTranspose([2, 3], [0, 1])).toBeNull()
  })

  it.each(CASES.map((c) => [`${c[0]} by ${c[1]}`, c] as const))(
    'matches cpu: %s',
    async (_, [shape, perm]) => {
      const data = values(
        shape.reduce((a, b) => a * b),
        9,
      )
      const { cpu, wasm } = await onCpuAndWasm(() => tf.transpose(tf.tensor(data, shape), perm))
      // A transpose moves values without arithmetic: exactly equal.
      expect(Array.from(wasm[0])).toEqual(Array.from(cpu[0]))
    },
  )
})
