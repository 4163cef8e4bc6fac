import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { NOTEBOOK_ARCHITECTURE, architectureSchema, type Architecture } from '@common/schemas'
import { UserError } from '../errors'
import { summarizeModel } from './architecture'
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
    const run = (seed: number) => tf.tidy(() => Array.from(forward(model, x, () => seed).dataSync()))
    expect(run(5)).toEqual(run(5))
    expect(run(5)).not.toEqual(run(6))
    const inference = forward(model, x)
    expect(inference.shape).toEqual([2, 10])
    tf.dispose([x, inference])
    model.dispose()
  })
})
