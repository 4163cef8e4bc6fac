import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { NOTEBOOK_ARCHITECTURE, architectureSchema } from '@common/schemas'
import { activateBackend } from '../backend'
import { buildModel } from '../model/build-model'
import { argmax, createLayerProbe, softmax } from './probe'

tf.env().set('IS_TEST', true)

beforeAll(async () => {
  await activateBackend('wasm')
})

/** A 28x28 input in [-1, 1] with a vertical stroke, like a "1". */
function strokeInput(): Float32Array {
  const input = new Float32Array(28 * 28).fill(-1)
  for (let y = 4; y < 24; y++) for (let x = 13; x < 16; x++) input[y * 28 + x] = 1
  return input
}

describe('createLayerProbe', () => {
  it('returns every conv and pool map of the notebook network in one pass: 192 maps', async () => {
    const model = buildModel(NOTEBOOK_ARCHITECTURE)
    const probe = createLayerProbe(model)
    expect(probe.layers.map((l) => [l.name, l.type, l.shape])).toEqual([
      ['conv1', 'Conv2D', [24, 24, 32]],
      ['pool1', 'MaxPooling2D', [12, 12, 32]],
      ['conv2', 'Conv2D', [8, 8, 64]],
      ['pool2', 'MaxPooling2D', [4, 4, 64]],
    ])
    const before = tf.memory().numTensors
    const out = await probe.run(strokeInput())
    expect(tf.memory().numTensors).toBe(before)
    expect(out.layers.map((l) => l.data.length)).toEqual([24 * 24 * 32, 12 * 12 * 32, 8 * 8 * 64, 4 * 4 * 64])
    expect(out.layers.reduce((n, l) => n + l.shape[2], 0)).toBe(192)
    expect(out.logits.length).toBe(10)
    // ReLU then max-pool: no negative activations, and some structure (not all zero).
    expect(Math.min(...out.layers[0].data)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...out.layers[0].data)).toBeGreaterThan(0)
    const kernels = (await probe.firstConvKernels())!
    expect(kernels.shape).toEqual([5, 5, 1, 32])
    // The probe's logits are the model's own prediction, and pool1 is conv1 max-pooled.
    const predicted = tf.tidy(() => model.predict(tf.tensor4d(strokeInput(), [1, 28, 28, 1])) as tf.Tensor)
    expect(Array.from(out.logits)).toEqual(Array.from(await predicted.data()))
    const pooled = tf.tidy(() => tf.maxPool(tf.tensor4d(out.layers[0].data, [1, 24, 24, 32]), 2, 2, 'valid'))
    expect(Array.from(out.layers[1].data)).toEqual(Array.from(await pooled.data()))
    tf.dispose([predicted, pooled])
    model.dispose()
  })

  it('shows the batch norms after convs and global average pooling as maps, not the dense ones', async () => {
    const architecture = architectureSchema.parse({
      convBlocks: [{ filters: 4, kernelSize: 3, convs: 2, batchNorm: true, pooling: 'none', dropout: 0.2 }],
      globalPooling: 'avg',
      denseLayers: [{ units: 8, batchNorm: true }],
    })
    const model = buildModel(architecture)
    const probe = createLayerProbe(model)
    expect(probe.layers.map((l) => [l.name, l.type, l.shape])).toEqual([
      ['conv1_1', 'Conv2D', [26, 26, 4]],
      ['conv1_1_bn', 'BatchNormalization', [26, 26, 4]],
      ['conv1_2', 'Conv2D', [24, 24, 4]],
      ['conv1_2_bn', 'BatchNormalization', [24, 24, 4]],
      ['global_pool', 'GlobalAveragePooling2D', [1, 1, 4]],
    ])
    const out = await probe.run(strokeInput())
    // A fresh batch norm (moving mean 0, variance 1) scales its input by 1/sqrt(1 + 0.001).
    const [conv, bn, , , pooled] = out.layers.map((l) => l.data)
    bn.forEach((v, i) => expect(v).toBeCloseTo(conv[i] / Math.sqrt(1.001), 5))
    expect(pooled.length).toBe(4)
    model.dispose()
  })
})

describe('softmax and argmax', () => {
  it('are stable for large logits and pick the largest', () => {
    const p = softmax([1000, 1001, 999])
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10)
    expect(argmax(p)).toBe(1)
    expect(argmax([0, 5, 2, 9, 1], 2, 3)).toBe(1)
  })
})
