/**
 * Every kernel that training, the inspector and evaluation run, on webgpu against cpu. Here the
 * adapter is Mesa's llvmpipe (software OpenGL ES), which runs the same WGSL as a GPU would, only
 * slowly: the tensors stay small. Operands this small would be handed to the CPU by tfjs;
 * `onCpuAnd` keeps them on the GPU.
 */
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { expectClose, onCpuAnd, values } from '../wasm-kernels/test-helpers'
import { webgpuTrainingKernelsRegistered } from './start'

type Pad = 'valid' | 'same'
type Shape4 = [number, number, number, number]

const tensor = (shape: number[], seed: number) =>
  tf.tensor(
    values(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  )
/** sum(y * w) with a different weight for every output: its gradient sends w back through y's op. */
const weighted = (y: tf.Tensor) => tf.sum(tf.mul(y, tensor(y.shape, 5)))
const onWebgpu = (compute: () => tf.Tensor | tf.Tensor[], leakCheck = true) =>
  onCpuAnd('webgpu', compute, { leakCheck })

function expectAllClose(other: Float32Array[], cpu: Float32Array[], labels: string[], rtol = 1e-4): void {
  expect(other.length).toBe(labels.length)
  labels.forEach((label, i) => expectClose(other[i], cpu[i], rtol, label))
}

describe('convolution on webgpu', () => {
  // [input, filter (kH, kW, in, out), stride, padding]: every kernel size and stride the model
  // builder allows in miniature, 'same' and 'valid', and channel counts in fours (tfjs's vec4 shaders).
  const CASES: [Shape4, Shape4, number, Pad][] = [
    [[2, 9, 9, 3], [1, 1, 3, 2], 1, 'valid'],
    [[2, 9, 9, 3], [3, 3, 3, 2], 1, 'same'],
    [[2, 9, 9, 3], [3, 3, 3, 2], 2, 'valid'],
    [[2, 10, 10, 1], [5, 5, 1, 4], 1, 'valid'],
    [[2, 10, 10, 1], [5, 5, 1, 4], 2, 'same'],
    [[2, 8, 8, 4], [3, 3, 4, 8], 1, 'valid'],
    [[2, 9, 9, 4], [3, 3, 4, 8], 2, 'same'],
    [[1, 11, 11, 8], [4, 4, 8, 4], 3, 'same'],
    [[1, 13, 13, 2], [11, 11, 2, 3], 4, 'same'],
  ]
  it.each(CASES.map((c) => [`${c[0]} * ${c[1]} s${c[2]} ${c[3]}`, c] as const))(
    'Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter match cpu: %s',
    async (_, [xShape, wShape, stride, pad]) => {
      const { cpu, other } = await onWebgpu(() => {
        const x = tensor(xShape, 1)
        const w = tensor(wShape, 2)
        const conv = (a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => weighted(conv(a, b)))([x, w])
        return [conv(x, w), dx, dw]
      })
      expectAllClose(other, cpu, ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'])
    },
  )

  it('FusedConv2D (bias and ReLU, as tfjs-layers runs a conv layer) matches cpu', async () => {
    const { cpu, other } = await onWebgpu(() => {
      const x = tensor([2, 8, 8, 4], 1)
      const filter = tensor([3, 3, 4, 8], 2) as tf.Tensor4D
      const bias = tensor([8], 3)
      const fused = (a: tf.Tensor) =>
        tf.fused.conv2d({ x: a as tf.Tensor4D, filter, bias, activation: 'relu', strides: 1, pad: 'valid' })
      return [fused(x), tf.grad((a: tf.Tensor) => weighted(fused(a)))(x)]
    })
    expectAllClose(other, cpu, ['FusedConv2D', 'its input gradient'])
  })
})

describe('pooling on webgpu', () => {
  // [input, window, stride, padding, fill]: 'ties' is what ReLU leaves (windows of zeros, equal
  // maxima), 'negative' windows with no zero in them.
  const CASES: [Shape4, number, number, Pad, 'random' | 'negative' | 'ties'][] = [
    [[2, 8, 8, 3], 2, 2, 'valid', 'random'],
    [[2, 9, 7, 4], 2, 2, 'same', 'random'],
    [[3, 7, 5, 2], 2, 2, 'same', 'negative'],
    [[2, 6, 6, 3], 2, 2, 'valid', 'ties'],
    [[2, 5, 5, 16], 2, 2, 'same', 'ties'],
    [[1, 7, 7, 2], 3, 1, 'same', 'ties'],
    [[2, 10, 10, 5], 3, 2, 'valid', 'negative'],
  ]
  const fill = (shape: Shape4, kind: (typeof CASES)[number][4]) => {
    const v = values(
      shape.reduce((a, b) => a * b),
      7,
    )
    if (kind === 'negative') return v.map((x) => -Math.abs(x) - 0.01)
    if (kind === 'ties') return v.map((x) => Math.max(0, Math.round(x * 2) / 2))
    return v
  }

  it('uses our MaxPoolGrad, which hands equal maxima the gradient as cpu does', async () => {
    const { cpu, other } = await onWebgpu(() => {
      const x = tf.tensor4d([1, 1, 1, 1, -2, -2, -2, -2], [1, 2, 4, 1])
      return tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid')))(x)
    })
    expect(webgpuTrainingKernelsRegistered()).toBe(true)
    expect(Array.from(other[0])).toEqual(Array.from(cpu[0]))
    expect(Array.from(other[0])).toEqual([1, 0, 1, 0, 0, 0, 0, 0])
  })

  it.each(CASES.map((c) => [`${c[0]} ${c[1]}x${c[1]} s${c[2]} ${c[3]} ${c[4]}`, c] as const))(
    'MaxPool, MaxPoolGrad, AvgPool, AvgPoolGrad match cpu: %s',
    async (_, [shape, size, stride, pad, kind]) => {
      const x = fill(shape, kind)
      const { cpu, other } = await onWebgpu(() => {
        const t = tf.tensor4d(x, shape)
        const max = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, size, stride, pad)
        const avg = (a: tf.Tensor) => tf.avgPool(a as tf.Tensor4D, size, stride, pad)
        return [
          max(t),
          tf.grad((a: tf.Tensor) => weighted(max(a)))(t),
          avg(t),
          tf.grad((a: tf.Tensor) => weighted(avg(a)))(t),
        ]
      })
      expectAllClose(other, cpu, ['MaxPool', 'MaxPoolGrad', 'AvgPool', 'AvgPoolGrad'], 1e-5)
    },
  )
})

describe('dense layers, activations and the loss on webgpu', () => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('BatchMatMul (transposeA %s, transposeB %s) matches cpu', async (ta, tb) => {
    const { cpu, other } = await onWebgpu(() =>
      tf.matMul(tensor(ta ? [37, 9] : [9, 37], 1), tensor(tb ? [11, 37] : [37, 11], 2), ta, tb),
    )
    expectClose(other[0], cpu[0])
  })

  it('a dense layer (_FusedMatMul with bias and ReLU) forward and backward matches cpu', async () => {
    const { cpu, other } = await onWebgpu(() => {
      const x = tensor([6, 40], 1)
      const w = tensor([40, 12], 2)
      const bias = tensor([12], 3)
      const dense = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: c, activation: 'relu' })
      return [
        dense(x, w, bias),
        ...tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => weighted(dense(a, b, c)))([x, w, bias]),
      ]
    })
    expectAllClose(other, cpu, ['output', 'dx', 'dw', 'dbias'])
  })

  it.each(['relu', 'elu', 'tanh', 'sigmoid'] as const)('%s and its gradient match cpu', async (name) => {
    const { cpu, other } = await onWebgpu(() => {
      const x = tf.mul(tensor([4, 50], 1), 4)
      const f = (a: tf.Tensor) => tf[name](a)
      return [f(x), tf.grad((a: tf.Tensor) => weighted(f(a)))(x)]
    })
    expectAllClose(other, cpu, [name, `${name} gradient`])
  })

  it('softmax cross-entropy (mean and sum), its gradient, argmax accuracy and a dropout mask match cpu', async () => {
    const { cpu, other } = await onWebgpu(() => {
      const logits = tf.mul(tensor([12, 10], 1), 5)
      const labels = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 3], 'int32')
      const y = tf.oneHot(labels, 10)
      const loss = (a: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, a)
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'))
      const h = tensor([4, 100], 2)
      const mask = tf.floor(tf.add(tf.randomUniform(h.shape, 0, 1, 'float32', 9), 0.6))
      return [
        tf.softmax(logits),
        loss(logits),
        tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM),
        tf.grad(loss)(logits),
        tf.cast(tf.argMax(logits, 1), 'float32'),
        hits,
        tf.div(tf.mul(h, mask), 0.6),
      ]
    }, false)
    expectAllClose(other, cpu, [
      'softmax',
      'mean loss',
      'summed loss',
      'gradient',
      'argmax',
      'hits',
      'dropout',
    ])
  })
})

describe('optimizer updates on webgpu', () => {
  const OPTIMIZERS = {
    adam: () => tf.train.adam(0.01),
    sgd: () => tf.train.sgd(0.1),
    momentum: () => tf.train.momentum(0.1, 0.9),
    rmsprop: () => tf.train.rmsprop(0.01),
  }
  it.each(Object.keys(OPTIMIZERS) as (keyof typeof OPTIMIZERS)[])(
    '%s: three steps match cpu',
    async (name) => {
      const { cpu, other } = await onWebgpu(() => {
        const v = tf.variable(tensor([30, 7], 1))
        const optimizer = OPTIMIZERS[name]()
        for (let step = 0; step < 3; step++) {
          optimizer.applyGradients([{ name: v.name, tensor: tensor([30, 7], 10 + step) }])
        }
        const after = v.clone()
        optimizer.dispose()
        v.dispose()
        return after
      })
      expectClose(other[0], cpu[0], 1e-5)
    },
  )
})
