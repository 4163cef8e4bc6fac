/**
 * Our assembled convolution kernels (forward, filter gradient, input gradient) at every kernel
 * size, stride and padding a conv block may have (from the run schema), with channel counts
 * that take our routes, against cpu, with and without relaxed SIMD.
 */
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, describe, expect, it } from 'vitest'
import { convBlockSchema } from '@common/schemas'
import { forceBackpropFilterRoute } from './conv2d-backprop-filter'
import { forceBackpropInputRoute } from './conv2d-backprop-input'
import { assembledKeys } from './simd/assembled'
import { forceRelaxedSimd, relaxedSimdAvailable } from './simd/features'
import { expectClose, onCpuAndWasm, values } from './test-helpers'

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const sizes = convBlockSchema.shape.kernelSize
const strides = convBlockSchema.shape.stride.unwrap()
// (in, out) channels in turn: one input channel (a first layer), and counts that fill whole
// vectors of a kernel row (the input gradient's route) or not (only the other two take ours).
const CHANNELS = [
  [1, 4],
  [4, 8],
  [3, 12],
] as const

const CASES = range(sizes.minValue!, sizes.maxValue!).flatMap((kernel) =>
  range(strides.minValue!, strides.maxValue!).flatMap((stride) =>
    (['valid', 'same'] as const).map((pad) => ({ kernel, stride, pad })),
  ),
)

/** Each case's operands on 13x12 images (not square, so swapped axes show), batch 2. */
function operands({ kernel, stride, pad }: (typeof CASES)[number], i: number) {
  const [ci, co] = CHANNELS[i % CHANNELS.length]
  const x = [2, 13, 12, ci] as [number, number, number, number]
  const filter = [kernel, kernel, ci, co] as [number, number, number, number]
  const out = tf.backend_util.computeConv2DInfo(x, filter, stride, 1, pad).outShape
  const make = (shape: number[], seed: number) => tf.tensor(values(tf.util.sizeFromShape(shape), seed), shape)
  return { x, filter, out, make, attrs: { strides: [stride, stride], pad, dataFormat: 'NHWC' } }
}

/** The assembled function each kernel's route runs on. */
const ASSEMBLED: Record<string, string> = {
  Conv2D: 'conv-forward',
  Conv2DBackpropFilter: 'conv-filter',
  Conv2DBackpropInput: 'conv-input',
}

const KERNELS: Record<string, (c: (typeof CASES)[number], i: number) => tf.Tensor> = {
  Conv2D: (c, i) => {
    const o = operands(c, i)
    return tf.engine().runKernel('Conv2D', { x: o.make(o.x, 1), filter: o.make(o.filter, 3) }, {
      ...o.attrs,
      dilations: 1,
    } as tf.NamedAttrMap) as tf.Tensor
  },
  Conv2DBackpropFilter: (c, i) => {
    const o = operands(c, i)
    return tf.engine().runKernel('Conv2DBackpropFilter', { x: o.make(o.x, 1), dy: o.make(o.out, 2) }, {
      ...o.attrs,
      filterShape: o.filter,
    } as tf.NamedAttrMap) as tf.Tensor
  },
  Conv2DBackpropInput: (c, i) => {
    const o = operands(c, i)
    return tf
      .engine()
      .runKernel('Conv2DBackpropInput', { dy: o.make(o.out, 4), filter: o.make(o.filter, 3) }, {
        ...o.attrs,
        inputShape: o.x,
      } as tf.NamedAttrMap) as tf.Tensor
  },
}

const instructionSets = relaxedSimdAvailable() ? [true, false] : [false]

describe.each(instructionSets)('our convolution kernels swept, relaxed SIMD %s', (relaxed) => {
  afterAll(() => {
    forceRelaxedSimd(null)
    forceBackpropFilterRoute(null)
    forceBackpropInputRoute(null)
  })
  it.each(Object.keys(KERNELS))('%s matches cpu at every kernel size, stride and padding', async (name) => {
    forceRelaxedSimd(relaxed)
    forceBackpropFilterRoute('simd')
    forceBackpropInputRoute('simd')
    const { cpu, wasm } = await onCpuAndWasm(() => CASES.map((c, i) => KERNELS[name](c, i)))
    CASES.forEach((c, i) => expectClose(wasm[i], cpu[i], 1e-4, `${name} k${c.kernel} s${c.stride} ${c.pad}`))
    // Our kernel ran (not only a fallback), with this instruction set.
    const ran = assembledKeys().filter(
      (key) => key.startsWith(ASSEMBLED[name]) && key.endsWith(` ${relaxed}`),
    )
    expect(ran.length).toBeGreaterThan(0)
  })
})
