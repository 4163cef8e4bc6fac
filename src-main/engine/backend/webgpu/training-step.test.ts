/**
 * A whole training step (forward, loss, every gradient, optimizer update) on webgpu equals the
 * same step on cpu. Three of the networks keep it short on a software adapter and still cover
 * every activation, both poolings, strides 1 to 3, 'same' and 'valid', dropout, and the three
 * optimizers; kernels.test.ts sweeps the kernels themselves.
 */
import { describe, it } from 'vitest'
import { NETS, expectStepMatchesCpu } from '../training-step.fixtures'

const CHOSEN = Object.entries(NETS).filter(([name]) =>
  ['notebook-like', 'conv3 s2 same elu', 'conv4 s3 valid tanh'].some((start) => name.startsWith(start)),
)

describe('a training step on webgpu equals the one on cpu', () => {
  it.each(CHOSEN)('%s', async (_, net) => {
    await expectStepMatchesCpu(net, 'webgpu')
  })
})
