import * as tf from '@tensorflow/tfjs-core'
import { afterAll, describe, it } from 'vitest'
import { forceBackpropFilterRoute } from './conv2d-backprop-filter'
import { forceBackpropInputRoute } from './conv2d-backprop-input'
import { expectClose, onCpuAndWasm, values } from './test-helpers'

type Pad = 'valid' | 'same'
// [batch, height, width, inChannels, outChannels, kernel, stride, padding]
const CASES: [number, number, number, number, number, number, number, Pad][] = [
  [2, 9, 9, 1, 3, 3, 1, 'valid'],
  [3, 10, 8, 2, 4, 5, 2, 'same'],
  [2, 11, 11, 3, 2, 4, 3, 'valid'],
  [1, 7, 7, 2, 3, 7, 1, 'same'],
  [2, 12, 12, 1, 2, 11, 4, 'same'],
  [4, 8, 8, 5, 3, 1, 1, 'valid'],
  [2, 13, 13, 2, 2, 2, 2, 'valid'],
  [2, 9, 10, 3, 4, 6, 4, 'valid'],
  [5, 6, 6, 8, 16, 3, 1, 'same'],
  [1, 14, 14, 1, 1, 5, 3, 'same'],
]

function shapes([n, h, w, ci, co, k, s, pad]: (typeof CASES)[number]) {
  const out = (size: number) => (pad === 'same' ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1)
  return { x: [n, h, w, ci], filter: [k, k, ci, co], dy: [n, out(h), out(w), co], stride: s, pad }
}

const name = (c: (typeof CASES)[number]) =>
  `n${c[0]} ${c[1]}x${c[2]}x${c[3]}->${c[4]} k${c[5]} s${c[6]} ${c[7]}`

describe.each(['gemm', 'conv', null] as const)('Conv2DBackpropFilter on wasm, route %s', (route) => {
  afterAll(() => forceBackpropFilterRoute(null))
  it.each(CASES.map((c) => [name(c), c] as const))('matches cpu: %s', async (_, c) => {
    forceBackpropFilterRoute(route)
    const s = shapes(c)
    const x = values(
      s.x.reduce((a, b) => a * b),
      1,
    )
    const dy = values(
      s.dy.reduce((a, b) => a * b),
      2,
    )
    const { cpu, wasm } = await onCpuAndWasm(
      () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: tf.tensor(x, s.x), dy: tf.tensor(dy, s.dy) },
            { strides: [s.stride, s.stride], pad: s.pad, dataFormat: 'NHWC', filterShape: s.filter },
          ) as tf.Tensor,
    )
    expectClose(wasm[0], cpu[0])
  })
})

describe.each(['gemm', 'padded', null] as const)('Conv2DBackpropInput on wasm, route %s', (route) => {
  afterAll(() => forceBackpropInputRoute(null))
  it.each(CASES.map((c) => [name(c), c] as const))('matches cpu: %s', async (_, c) => {
    forceBackpropInputRoute(route)
    const s = shapes(c)
    const filter = values(
      s.filter.reduce((a, b) => a * b),
      3,
    )
    const dy = values(
      s.dy.reduce((a, b) => a * b),
      4,
    )
    const { cpu, wasm } = await onCpuAndWasm(
      () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy: tf.tensor(dy, s.dy), filter: tf.tensor(filter, s.filter) },
            { strides: [s.stride, s.stride], pad: s.pad, dataFormat: 'NHWC', inputShape: s.x },
          ) as tf.Tensor,
    )
    expectClose(wasm[0], cpu[0])
  })
})
