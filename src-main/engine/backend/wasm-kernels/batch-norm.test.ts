import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { BATCH_NORM_GRAD_KERNEL, BATCH_NORM_TRAINING_KERNEL, batchNormTraining } from '../../model/batch-norm'
import { expectClose, onCpuAndWasm, values } from './test-helpers'

// Conv maps of channels in quads and not, a dense layer's [batch, units], one row, and a mean far
// from 0 (the shifted sums keep its variance).
const CASES: [string, number[], number][] = [
  ['conv, 32 channels', [4, 6, 6, 32], 0],
  ['conv, 6 channels', [3, 5, 5, 6], 0],
  ['conv, 3 channels', [2, 4, 4, 3], 0],
  ['dense, 10 units', [16, 10], 0],
  ['one image of one pixel', [1, 1, 1, 8], 0],
  ['mean 100, spread 1', [4, 5, 5, 8], 100],
]

/** Batch normalization in training as plain tfjs operations, differentiated by tfjs. */
function formula(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D) {
  const { mean, variance } = tf.moments(
    x,
    Array.from({ length: x.rank - 1 }, (_, i) => i),
  )
  const y = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))), gamma), beta)
  return { y, moments: tf.keep(tf.stack([mean, tf.add(variance, tf.square(mean))])) }
}

describe('batch normalization in training on wasm', () => {
  it.each(CASES)('matches the formula on cpu, forward and gradients: %s', async (_, shape, offset) => {
    const size = shape.reduce((a, b) => a * b)
    const channels = shape[shape.length - 1]
    const x = values(size, 3).map((v) => v + offset)
    const weights = values(size, 4)
    const gamma = values(channels, 5).map((v) => v + 1)
    const beta = values(channels, 6)
    const { cpu, wasm } = await onCpuAndWasm(() => {
      // Our kernels on wasm; on cpu, tfjs's gradient of the formula itself.
      const train = tf.getBackend() === 'wasm' ? batchNormTraining : formula
      const inputs = [tf.tensor(x, shape), tf.tensor1d(gamma), tf.tensor1d(beta)]
      const moments: tf.Tensor[] = []
      const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const out = train(a, g as tf.Tensor1D, b as tf.Tensor1D)
        moments.push(out.moments)
        return tf.sum(tf.mul(out.y, tf.tensor(weights, shape)))
      })(inputs)
      const { y } = train(inputs[0], inputs[1] as tf.Tensor1D, inputs[2] as tf.Tensor1D)
      return [y, moments[0], ...grads]
    })
    const names = ['y', 'moments', 'dx', 'dgamma', 'dbeta']
    names.forEach((name, i) => {
      // One row has no spread: dx is 0 but for rounding, which a relative bound cannot judge.
      if (name === 'dx' && size === channels) for (const v of wasm[i]) expect(Math.abs(v)).toBeLessThan(1e-5)
      else expectClose(wasm[i], cpu[i], 2e-4, name)
    })
  })

  it('runs on our kernels on wasm (not the composite)', async () => {
    await onCpuAndWasm(() => tf.scalar(0))
    expect(tf.getKernel(BATCH_NORM_TRAINING_KERNEL, 'wasm')).toBeDefined()
    expect(tf.getKernel(BATCH_NORM_GRAD_KERNEL, 'wasm')).toBeDefined()
    expect(tf.getKernel(BATCH_NORM_TRAINING_KERNEL, 'cpu')).toBeUndefined()
  })
})
