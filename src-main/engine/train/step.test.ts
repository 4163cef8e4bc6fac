import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { NO_AUGMENTATION } from '@common/recipe'
import { architectureSchema } from '@common/schemas'
import { buildModel } from '../model/build-model'
import { createOptimizer } from './optimizer'
import { TrainingStep, type StepRecipe } from './step'
import { barImages } from './test-data'

const BN_NET = architectureSchema.parse({
  convBlocks: [{ filters: 4, kernelSize: 3, batchNorm: true, pooling: 'max' }],
  denseLayers: [{ units: 8 }],
})
const PLAIN: StepRecipe = {
  augmentation: NO_AUGMENTATION,
  labelSmoothing: 0,
  weightDecay: 0,
  gradientClipNorm: null,
}
const images = { set: barImages(40), rows: 12, cols: 12, channels: 1, numClasses: 10 }

beforeAll(async () => {
  tf.env().set('PROD', true)
  await tf.setBackend('cpu')
})

/** A step of plain SGD (the update is -rate x gradient) on the batch-norm network. */
function sgdStep(recipe: Partial<StepRecipe> = {}) {
  const model = buildModel(BN_NET, [12, 12, 1], 10, 3)
  const optimizer = createOptimizer({ optimizer: 'sgd', learningRate: 1, momentum: 0 })
  const step = new TrainingStep(model, optimizer, images, { ...PLAIN, ...recipe })
  const values = () => step.variables.map((v) => Float32Array.from(v.dataSync()))
  const ones = step.variables.map((v) => new Float32Array(v.size).fill(1))
  const moments = step.movingStatistics.map((s) => new Float32Array(2 * s.channels))
  return { model, optimizer, step, values, ones, moments }
}

describe('TrainingStep.apply', () => {
  it('moves by the scheduled rate, and clips the whole gradient to its global norm', () => {
    const { step, values, ones, moments, model } = sgdStep({ gradientClipNorm: 2 })
    const norm = Math.sqrt(ones.reduce((n, g) => n + g.length, 0))
    const before = values()
    step.apply(ones, moments, 0.5)
    const after = values()
    // Every element moves by rate x clip / norm: the gradient scaled down to length 2.
    before.forEach((v, i) => v.forEach((x, j) => expect(x - after[i][j]).toBeCloseTo((0.5 * 2) / norm, 5)))
    model.dispose()
  })

  it('leaves a short gradient alone and decays only the kernels, decoupled from the gradient', () => {
    const { step, values, moments, model } = sgdStep({ gradientClipNorm: 1000, weightDecay: 0.1 })
    const zero = step.variables.map((v) => new Float32Array(v.size))
    const before = values()
    step.apply(zero, moments, 0.5)
    const after = values()
    const names = step.variables.map((v) => v.name)
    names.forEach((name, i) => {
      const factor = /kernel/.test(name) ? 1 - 0.5 * 0.1 : 1
      before[i].forEach((x, j) => expect(after[i][j]).toBeCloseTo(x * factor, 6))
    })
    expect(names.filter((n) => /kernel/.test(n))).toHaveLength(3)
    model.dispose()
  })

  it('moves the moving statistics towards the batch’s by a tenth a step', () => {
    const { step, ones, model } = sgdStep()
    const channels = step.movingStatistics[0].channels
    // Every channel's batch mean 2 and mean of squares 5: variance 1.
    const moments = [Float32Array.from({ length: 2 * channels }, (_, i) => (i < channels ? 2 : 5))]
    step.apply(ones, moments, 0.1)
    const { mean, variance } = step.movingStatistics[0]
    mean.dataSync().forEach((m) => expect(m).toBeCloseTo(0.2, 6))
    variance.dataSync().forEach((v) => expect(v).toBeCloseTo(1, 6))
    model.dispose()
  })

  it('label smoothing changes the training loss', async () => {
    const plain = sgdStep()
    const smooth = sgdStep({ labelSmoothing: 0.2 })
    const input = {
      indices: Int32Array.from([0, 1, 2, 3]),
      dropoutSeeds: [],
      augment: null,
      learningRate: 0.1,
    }
    const a = plain.step.gradients(input)
    const b = smooth.step.gradients(input)
    // The smoothed target spreads 0.2 over the ten classes: its loss differs from the plain one.
    expect(Math.abs((await a.loss.data())[0] - (await b.loss.data())[0])).toBeGreaterThan(1e-4)
    expect(a.moments).toHaveLength(1)
    tf.dispose([...a.grads, ...a.moments, a.loss, a.correct, ...b.grads, ...b.moments, b.loss, b.correct])
    plain.model.dispose()
    smooth.model.dispose()
  })
})
