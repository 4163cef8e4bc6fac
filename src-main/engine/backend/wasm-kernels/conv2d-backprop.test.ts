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

/** Runs `kernel` on cpu and on wasm, each operand [shape, seed] filled by `values`, and compares. */
async function expectWasmMatchesCpu(
  kernel: string,
  operands: Record<string, [number[], number]>,
  attrs: Record<string, unknown>,
): Promise<void> {
  const filled = Object.entries(operands).map(([input, [shape, seed]]) => {
    const size = shape.reduce((a, b) => a * b)
    return { input, shape, data: values(size, seed) }
  })
  const { cpu, wasm } = await onCpuAndWasm(() => {
    const inputs = Object.fromEntries(filled.map((o) => [o.input, tf.tensor(o.data, o.shape)]))
    return tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor
  })
  expectClose(wasm[0], cpu[0])
}

describe.each(['gemm', 'conv', null] as const)('Conv2DBackpropFilter on wasm, route %s', (route) => {
  afterAll(() => forceBackpropFilterRoute(null))
  it.each(CASES.map((c) => [name(c), c] as const))('matches cpu: %s', async (_, c) => {
    forceBackpropFilterRoute(route)
    const s = shapes(c)
    await expectWasmMatchesCpu(
      'Conv2DBackpropFilter',
      { x: [s.x, 1], dy: [s.dy, 2] },
      { strides: [s.stride, s.stride], pad: s.pad, dataFormat: 'NHWC', filterShape: s.filter },
    )
  })
})

describe.each(['gemm', 'padded', null] as const)('Conv2DBackpropInput on wasm, route %s', (route) => {
  afterAll(() => forceBackpropInputRoute(null))
  it.each(CASES.map((c) => [name(c), c] as const))('matches cpu: %s', async (_, c) => {
    forceBackpropInputRoute(route)
    const s = shapes(c)
    await expectWasmMatchesCpu(
      'Conv2DBackpropInput',
      { dy: [s.dy, 4], filter: [s.filter, 3] },
      { strides: [s.stride, s.stride], pad: s.pad, dataFormat: 'NHWC', inputShape: s.x },
    )
  })
})
