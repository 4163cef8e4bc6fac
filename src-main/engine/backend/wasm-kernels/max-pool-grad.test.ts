import * as tf from '@tensorflow/tfjs-core'
import { describe, it } from 'vitest'
import { maxPoolGradConfig } from './max-pool-grad'
import { expectClose, onCpuAndWasm, values } from './test-helpers'
import { SWEPT_KERNEL_SIZES, caseName, sweepKernel, windowSweep, type WindowCase } from './test-sweeps'

// Beyond the sweep: the 2x2 stride-2 windows the model builder makes, in the shapes where the SIMD
// path (channels in fours) meets partial windows at odd edges, and larger channel counts.
const SHAPES: [number[], number, number, 'valid' | 'same', WindowCase['fill']][] = [
  [[2, 8, 8, 3], 2, 2, 'valid', 'random'],
  [[2, 9, 7, 4], 2, 2, 'same', 'random'],
  [[3, 7, 5, 2], 2, 2, 'same', 'negative'],
  [[2, 6, 6, 3], 2, 2, 'valid', 'ties'],
  [[2, 10, 10, 5], 3, 2, 'valid', 'negative'],
  [[2, 8, 8, 8], 2, 2, 'valid', 'ties'],
  [[3, 7, 9, 4], 2, 2, 'same', 'negative'],
  [[2, 7, 6, 12], 2, 2, 'valid', 'random'],
  [[2, 5, 5, 16], 2, 2, 'same', 'ties'],
]
const MODEL_SHAPES: WindowCase[] = SHAPES.map(
  ([[batch, height, width, channels], kernel, stride, pad, fill]) => {
    const c = { batch, height, width, inChannels: channels, outChannels: channels, kernel, stride, pad, fill }
    return { ...c, name: caseName(c) }
  },
)

describe('MaxPoolGrad on wasm', () => {
  it.each(SWEPT_KERNEL_SIZES)(
    'matches cpu for a %i-wide window at every stride and padding',
    async (size) => {
      await sweepKernel(maxPoolGradConfig, windowSweep('pool', [size]))
    },
  )
  it('matches cpu on the shapes the model builder makes', async () => {
    await sweepKernel(maxPoolGradConfig, MODEL_SHAPES)
  })
})

describe('pooling forward and AvgPoolGrad on wasm (shipped kernels)', () => {
  it.each([
    [[2, 9, 7, 4], 'valid'],
    [[2, 9, 7, 4], 'same'],
    [[1, 24, 24, 8], 'valid'],
    [[3, 5, 5, 2], 'same'],
  ] as const)('matches cpu: %j %s', async (shape, pad) => {
    const x = values(
      (shape as readonly number[]).reduce((a, b) => a * b),
      9,
    )
    const { cpu, wasm } = await onCpuAndWasm(() => {
      const xt = tf.tensor4d(x, shape as unknown as [number, number, number, number])
      const weighted = (y: tf.Tensor) => tf.sum(tf.mul(y, tf.tensor(values(y.size, 10), y.shape)))
      return [
        tf.maxPool(xt, 2, 2, pad),
        tf.avgPool(xt, 2, 2, pad),
        tf.grad((t: tf.Tensor) => weighted(tf.avgPool(t as tf.Tensor4D, 2, 2, pad)))(xt),
      ]
    })
    for (let i = 0; i < 3; i++) expectClose(wasm[i], cpu[i], 1e-5, ['maxPool', 'avgPool', 'avgPoolGrad'][i])
  })
})
