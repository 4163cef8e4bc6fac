/**
 * Whole training steps (forward, loss, every gradient, optimizer update) of small networks, for
 * comparing a backend with cpu; the wasm and webgpu training-step tests share them.
 */
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { expect } from 'vitest'
import { expectClose, useCpu, values } from './wasm-kernels/test-helpers'
import { activateBackend } from './index'

type Activation = 'relu' | 'elu' | 'tanh' | 'sigmoid' | 'linear'
interface Conv {
  filters: number
  kernel: number
  stride: number
  padding: 'valid' | 'same'
  activation: Activation
  pooling: 'max' | 'avg' | 'none'
  poolPadding?: 'valid' | 'same'
}
export interface Net {
  input: [number, number, number]
  convs: Conv[]
  dense: { units: number; activation: Activation; dropout: number }[]
  optimizer: 'adam' | 'sgd' | 'rmsprop'
  /** Softmax in the last layer with categorical cross-entropy, or logits with softmaxCrossEntropy. */
  softmaxLayer: boolean
}

function build(net: Net): tfl.LayersModel {
  const model = tfl.sequential()
  net.convs.forEach((c, i) => {
    model.add(
      tfl.layers.conv2d({
        ...(i === 0 ? { inputShape: net.input } : {}),
        filters: c.filters,
        kernelSize: c.kernel,
        strides: c.stride,
        padding: c.padding,
        activation: c.activation,
      }),
    )
    const pool = { poolSize: 2, strides: 2, padding: c.poolPadding ?? 'valid' }
    if (c.pooling === 'max') model.add(tfl.layers.maxPooling2d(pool))
    if (c.pooling === 'avg') model.add(tfl.layers.averagePooling2d(pool))
  })
  model.add(tfl.layers.flatten())
  for (const d of net.dense) {
    model.add(tfl.layers.dense({ units: d.units, activation: d.activation }))
    if (d.dropout > 0) model.add(tfl.layers.dropout({ rate: d.dropout, seed: 7 }))
  }
  model.add(tfl.layers.dense({ units: 10, activation: net.softmaxLayer ? 'softmax' : 'linear' }))
  const optimizer =
    net.optimizer === 'adam'
      ? tf.train.adam(1e-3)
      : net.optimizer === 'sgd'
        ? tf.train.momentum(0.05, 0.9)
        : tf.train.rmsprop(1e-3)
  model.compile({
    optimizer,
    loss: net.softmaxLayer ? 'categoricalCrossentropy' : tf.losses.softmaxCrossEntropy,
  })
  return model
}

/** Loss, gradients of every trainable weight, and the weights after two optimizer steps. */
async function step(
  net: Net,
  backend: 'cpu' | 'wasm' | 'webgpu',
  initial: Float32Array[],
): Promise<Float32Array[]> {
  if (backend === 'cpu') await useCpu()
  else await activateBackend(backend)
  // Batches this small would go to the CPU on webgpu; the shaders are what is tested.
  if (backend === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false)
  const batch = 4
  const model = build(net)
  model.setWeights(initial.map((v, i) => tf.tensor(v, model.getWeights()[i].shape)))
  const x = tf.tensor(values(batch * net.input.reduce((a, b) => a * b), 11), [batch, ...net.input])
  const y = tf.cast(tf.oneHot(tf.tensor1d([1, 7, 3, 9], 'int32'), 10), 'float32')
  const lossOf = () => {
    const out = model.apply(x, { training: true }) as tf.Tensor
    return (
      net.softmaxLayer
        ? tf.mean(tfl.metrics.categoricalCrossentropy(y, out))
        : tf.losses.softmaxCrossEntropy(y, out)
    ) as tf.Scalar
  }
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const { value, grads } = tf.variableGrads(lossOf, variables)
  const gradients = variables.map((v) => grads[v.name])
  await model.trainOnBatch(x, y)
  await model.trainOnBatch(x, y)
  const result = [value, ...gradients, ...model.getWeights()]
  const data = await Promise.all(result.map(async (t) => (await t.data()) as Float32Array))
  tf.dispose([x, y, value, ...Object.values(grads)])
  model.dispose()
  return data
}

/** Networks that together use every kind of layer, activation and optimizer the model builder has. */
export const NETS: Record<string, Net> = {
  'notebook-like: conv5 relu max, conv5 relu max, dense relu dropout, adam': {
    input: [28, 28, 1],
    convs: [
      { filters: 4, kernel: 5, stride: 1, padding: 'valid', activation: 'relu', pooling: 'max' },
      { filters: 6, kernel: 5, stride: 1, padding: 'valid', activation: 'relu', pooling: 'max' },
    ],
    dense: [{ units: 16, activation: 'relu', dropout: 0.4 }],
    optimizer: 'adam',
    softmaxLayer: false,
  },
  'conv3 s2 same elu, avg pool; conv1 linear; tanh dense, sgd momentum': {
    input: [16, 16, 2],
    convs: [
      { filters: 3, kernel: 3, stride: 2, padding: 'same', activation: 'elu', pooling: 'avg' },
      { filters: 4, kernel: 1, stride: 1, padding: 'valid', activation: 'linear', pooling: 'none' },
    ],
    dense: [{ units: 8, activation: 'tanh', dropout: 0 }],
    optimizer: 'sgd',
    softmaxLayer: true,
  },
  'conv4 s3 valid tanh, max pool same; sigmoid dense, rmsprop': {
    input: [17, 15, 1],
    convs: [
      {
        filters: 5,
        kernel: 4,
        stride: 3,
        padding: 'valid',
        activation: 'tanh',
        pooling: 'max',
        poolPadding: 'same',
      },
    ],
    dense: [{ units: 6, activation: 'sigmoid', dropout: 0.2 }],
    optimizer: 'rmsprop',
    softmaxLayer: false,
  },
  'conv11 s4 same sigmoid, avg pool same; conv2 s2 linear max; adam': {
    input: [23, 23, 1],
    convs: [
      {
        filters: 3,
        kernel: 11,
        stride: 4,
        padding: 'same',
        activation: 'sigmoid',
        pooling: 'avg',
        poolPadding: 'same',
      },
      {
        filters: 2,
        kernel: 2,
        stride: 1,
        padding: 'same',
        activation: 'linear',
        pooling: 'max',
        poolPadding: 'same',
      },
    ],
    dense: [],
    optimizer: 'adam',
    softmaxLayer: true,
  },
  'conv7 same relu max; conv5 s2 same elu avg; two dense layers, sgd': {
    input: [14, 14, 3],
    convs: [
      { filters: 4, kernel: 7, stride: 1, padding: 'same', activation: 'relu', pooling: 'max' },
      { filters: 4, kernel: 5, stride: 2, padding: 'same', activation: 'elu', pooling: 'avg' },
    ],
    dense: [
      { units: 12, activation: 'elu', dropout: 0.5 },
      { units: 8, activation: 'linear', dropout: 0 },
    ],
    optimizer: 'sgd',
    softmaxLayer: false,
  },
}

/** Runs one step of `net` on cpu and on `backend` from the same weights, and compares them. */
export async function expectStepMatchesCpu(net: Net, backend: 'wasm' | 'webgpu'): Promise<void> {
  await useCpu()
  const reference = build(net)
  const initial = await Promise.all(reference.getWeights().map(async (w) => (await w.data()) as Float32Array))
  reference.dispose()
  const cpu = await step(net, 'cpu', initial)
  const other = await step(net, backend, initial)
  expect(other.length).toBe(cpu.length)
  expectClose(other[0], cpu[0], 1e-5, 'loss')
  const count = initial.length
  for (let i = 1; i <= count; i++) expectClose(other[i], cpu[i], 1e-4, `gradient ${i - 1}`)
  // Adam and RMSProp divide by the gradient's own size, so tiny gradients amplify float noise.
  for (let i = count + 1; i < cpu.length; i++) expectClose(other[i], cpu[i], 1e-3, `weight ${i - count - 1}`)
}
