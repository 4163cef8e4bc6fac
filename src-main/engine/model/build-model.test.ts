import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { BEST_ACCURACY_ARCHITECTURE } from '@common/presets'
import { NOTEBOOK_ARCHITECTURE, architectureSchema, type Architecture } from '@common/schemas'
import { UserError } from '../errors'
import { summarizeModel } from './architecture'
import { batchNormTraining } from './batch-norm'
import { buildModel, forward } from './build-model'

const SMALL: Architecture = architectureSchema.parse({
  convBlocks: [{ filters: 4, kernelSize: 3 }],
  denseLayers: [{ units: 8, dropout: 0.5 }],
})

beforeAll(async () => {
  tf.env().set('PROD', true)
  await tf.setBackend('cpu')
})

describe('summarizeModel', () => {
  it('counts the notebook network at 569,606 parameters with its layer names and shapes', () => {
    const summary = summarizeModel(NOTEBOOK_ARCHITECTURE)
    expect(summary.totalParams).toBe(569_606)
    expect(summary.layers.map((l) => [l.name, l.outputShape, l.params])).toEqual([
      ['conv1', [24, 24, 32], 832],
      ['pool1', [12, 12, 32], 0],
      ['conv2', [8, 8, 64], 51_264],
      ['pool2', [4, 4, 64], 0],
      ['flatten', [1024], 0],
      ['dense1', [500], 512_500],
      ['dropout1', [500], 0],
      ['output', [10], 5010],
    ])
  })

  it('names the conv block that leaves no pixels', () => {
    const block = {
      filters: 8,
      kernelSize: 5,
      stride: 1,
      padding: 'valid',
      activation: 'relu',
      pooling: 'max',
    } as const
    const architecture = architectureSchema.parse({ convBlocks: [block, block, block], denseLayers: [] })
    let error: unknown
    try {
      summarizeModel(architecture)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(UserError)
    expect((error as UserError).message).toMatch(/^Conv block 3 leaves no pixels: /)
    expect((error as UserError).field).toBe('architecture.convBlocks.2')
  })

  it('refuses a network too large to train', () => {
    const architecture = architectureSchema.parse({
      convBlocks: [{ filters: 512, kernelSize: 3, padding: 'same', pooling: 'none' }],
      denseLayers: [{ units: 8192 }],
    })
    expect(() => summarizeModel(architecture)).toThrow(UserError)
  })
})

describe('buildModel', () => {
  it('builds the notebook network with the parameters and shapes of its summary', () => {
    const model = buildModel(NOTEBOOK_ARCHITECTURE)
    const summary = summarizeModel(NOTEBOOK_ARCHITECTURE)
    expect(model.countParams()).toBe(569_606)
    expect(model.layers.map((l) => [l.name, (l.outputShape as number[]).slice(1)])).toEqual(
      summary.layers.map((l) => [l.name, l.outputShape]),
    )
    model.dispose()
  })

  it('gives the same initial weights for the same seed and different ones for another', () => {
    const weightsOf = (seed: number) => {
      const model = buildModel(SMALL, [28, 28, 1], 10, seed)
      const values = model.getWeights().map((w) => Array.from(w.dataSync()))
      model.dispose()
      return values
    }
    expect(weightsOf(7)).toEqual(weightsOf(7))
    expect(weightsOf(7)[0]).not.toEqual(weightsOf(8)[0])
  })

  it('produces logits, with dropout masks that follow their seeds', () => {
    const model = buildModel(SMALL, [28, 28, 1], 10, 1)
    const x = tf.randomUniform([2, 28, 28, 1], -1, 1, 'float32', 3)
    const pass = (seed: number) => ({ dropoutSeed: () => seed, onMoments: (m: tf.Tensor) => m.dispose() })
    const run = (seed: number) => tf.tidy(() => Array.from(forward(model, x, pass(seed)).dataSync()))
    expect(run(5)).toEqual(run(5))
    expect(run(5)).not.toEqual(run(6))
    const inference = forward(model, x)
    expect(inference.shape).toEqual([2, 10])
    tf.dispose([x, inference])
    model.dispose()
  })
})

describe('the recipes’ layers', () => {
  it('build the Best accuracy network as its summary plans it', () => {
    const summary = summarizeModel(BEST_ACCURACY_ARCHITECTURE)
    expect(summary.layers.map((l) => [l.name, l.type, l.outputShape])).toEqual([
      ['conv1_1', 'Conv2D', [26, 26, 32]],
      ['conv1_1_bn', 'BatchNormalization', [26, 26, 32]],
      ['conv1_2', 'Conv2D', [24, 24, 32]],
      ['conv1_2_bn', 'BatchNormalization', [24, 24, 32]],
      ['conv2', 'Conv2D', [12, 12, 32]],
      ['conv2_bn', 'BatchNormalization', [12, 12, 32]],
      ['conv2_dropout', 'Dropout', [12, 12, 32]],
      ['conv3_1', 'Conv2D', [10, 10, 64]],
      ['conv3_1_bn', 'BatchNormalization', [10, 10, 64]],
      ['conv3_2', 'Conv2D', [8, 8, 64]],
      ['conv3_2_bn', 'BatchNormalization', [8, 8, 64]],
      ['conv4', 'Conv2D', [4, 4, 64]],
      ['conv4_bn', 'BatchNormalization', [4, 4, 64]],
      ['conv4_dropout', 'Dropout', [4, 4, 64]],
      ['conv5', 'Conv2D', [1, 1, 128]],
      ['conv5_bn', 'BatchNormalization', [1, 1, 128]],
      ['conv5_dropout', 'Dropout', [1, 1, 128]],
      ['flatten', 'Flatten', [128]],
      ['output', 'Dense', [10]],
    ])
    const model = buildModel(BEST_ACCURACY_ARCHITECTURE)
    expect(model.countParams()).toBe(summary.totalParams)
    expect(model.layers.map((l) => [l.name, (l.outputShape as number[]).slice(1)])).toEqual(
      summary.layers.map((l) => [l.name, l.outputShape]),
    )
    model.dispose()
  })

  it('stride only the last conv of a block, and average each map with global pooling', () => {
    const architecture = architectureSchema.parse({
      convBlocks: [{ filters: 6, kernelSize: 3, convs: 3, stride: 2, padding: 'same', pooling: 'none' }],
      globalPooling: 'avg',
      denseLayers: [{ units: 5, batchNorm: true }],
    })
    const summary = summarizeModel(architecture)
    expect(summary.layers.map((l) => [l.name, l.outputShape])).toEqual([
      ['conv1_1', [28, 28, 6]],
      ['conv1_2', [28, 28, 6]],
      ['conv1_3', [14, 14, 6]],
      ['global_pool', [6]],
      ['dense1', [5]],
      ['dense1_bn', [5]],
      ['output', [10]],
    ])
    expect(summary.layers.find((l) => l.name === 'dense1_bn')?.params).toBe(20)
    const model = buildModel(architecture)
    expect(model.countParams()).toBe(summary.totalParams)
    model.dispose()
  })

  it('name the conv of a block that leaves no pixels', () => {
    const architecture = architectureSchema.parse({
      convBlocks: [{ filters: 4, kernelSize: 11, convs: 3, pooling: 'none' }],
      denseLayers: [],
    })
    expect(() => summarizeModel(architecture)).toThrow(/conv 3 of 3/)
  })

  it('normalize by the batch’s statistics in training, with the gradient of that formula', () => {
    const x = tf.randomNormal([3, 4, 4, 5], 1, 2, 'float32', 1)
    const gamma = tf.randomNormal([5], 1, 0.3, 'float32', 2) as tf.Tensor1D
    const beta = tf.randomNormal([5], 0, 0.3, 'float32', 3) as tf.Tensor1D
    const weights = tf.randomNormal([3, 4, 4, 5], 0, 1, 'float32', 4)
    const reference = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2])
      return tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-3))), g), b)
    }
    const loss = (f: (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), weights)))([
        x,
        gamma,
        beta,
      ])
    const ours = loss((a, g, b) => {
      const { y, moments } = batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D)
      moments.dispose()
      return y
    })
    const theirs = loss(reference)
    ours.forEach((grad, i) => {
      const [a, b] = [grad.dataSync(), theirs[i].dataSync()]
      a.forEach((v, j) => expect(v).toBeCloseTo(b[j], 3))
    })
    const { y, moments } = batchNormTraining(x, gamma, beta)
    const expected = reference(x, gamma, beta).dataSync()
    y.dataSync().forEach((v, j) => expect(v).toBeCloseTo(expected[j], 4))
    const [mean, meanOfSquares] = tf.unstack(moments).map((t) => t.dataSync())
    const m = tf.moments(x, [0, 1, 2])
    mean.forEach((v, c) => expect(v).toBeCloseTo(m.mean.dataSync()[c], 4))
    meanOfSquares.forEach((v, c) =>
      expect(v).toBeCloseTo(m.variance.dataSync()[c] + m.mean.dataSync()[c] ** 2, 3),
    )
  })
})
