import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { activateBackend } from '../backend'
import { useCpu, values } from '../backend/wasm-kernels/test-helpers'
import { FusedAdamOptimizer } from './fused-adam'

const SHAPES = [[5, 5, 1, 32], [64, 50], [10], [3, 7]]

/** Every value of the optimizer's variables and state after `steps` updates with fixed gradients. */
async function train(optimizer: tf.Optimizer, steps: number): Promise<number[][]> {
  const variables = SHAPES.map((shape, i) =>
    tf.variable(tf.tensor(values(tf.util.sizeFromShape(shape), i + 1), shape)),
  )
  for (let step = 0; step < steps; step++) {
    optimizer.applyGradients(
      variables.map((v, i) => ({
        name: v.name,
        tensor: tf.tensor(values(v.size, 10 * step + i + 7), v.shape),
      })),
    )
  }
  const state = await optimizer.getWeights()
  const result = await Promise.all(
    [...variables, ...state.map((w) => w.tensor)].map(async (t) => Array.from(await t.data())),
  )
  tf.dispose(variables)
  return result
}

describe('FusedAdamOptimizer', () => {
  it.each(['wasm', 'cpu'] as const)(
    'updates weights and moments exactly as tfjs Adam does on %s',
    async (backend) => {
      if (backend === 'wasm') await activateBackend('wasm')
      else await useCpu()
      const fused = await train(new FusedAdamOptimizer(0.01), 3)
      const reference = await train(tf.train.adam(0.01), 3)
      expect(fused).toEqual(reference)
    },
  )

  it('continues from tfjs Adam state (an older checkpoint) exactly as that optimizer continues', async () => {
    await activateBackend('wasm')
    const before = tf.train.adam(0.01)
    await train(before, 2)
    const saved = await before.getWeights()
    const resumed = new FusedAdamOptimizer(0.01)
    await resumed.setWeights(saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() })))
    expect(await train(resumed, 2)).toEqual(await train(before, 2))
  })

  it('restored after 40 steps, holds the accumulated betas training made, to the bit', async () => {
    await useCpu()
    const trained = new FusedAdamOptimizer(0.01)
    await train(trained, 40)
    const saved = await trained.getWeights()
    const restored = new FusedAdamOptimizer(0.01)
    await restored.setWeights(saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() })))
    const betas = (o: tf.Optimizer) => {
      const state = o as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable }
      return [state.accBeta1.dataSync()[0], state.accBeta2.dataSync()[0]]
    }
    // tfjs's own setWeights, pow(0.9, 41), is one float32 step off the product of 41 factors.
    expect(betas(restored)).toEqual(betas(trained))
  })
})
