/**
 * A whole training step (forward, loss, every gradient, optimizer update) on wasm equals the
 * same step on cpu, for every kind of layer the model builder can produce.
 */
import { describe, it } from 'vitest'
import { NETS, expectStepMatchesCpu } from '../training-step.fixtures'

describe('a training step on wasm equals the one on cpu', () => {
  it.each(Object.entries(NETS))('%s', async (_, net) => {
    await expectStepMatchesCpu(net, 'wasm')
  })
})
