/**
 * Our assembled convolution kernels (forward, filter gradient, input gradient) swept over every
 * kernel size, stride and padding the run schema allows (test-sweeps.ts), with channel counts
 * that take our routes, against cpu, with and without relaxed SIMD. Each sweep also checks that
 * our kernel ran, not only a fallback.
 */
import type { KernelConfig } from '@tensorflow/tfjs-core'
import { afterAll, describe, expect, it } from 'vitest'
import { conv2DConfig } from './conv2d'
import { conv2DBackpropFilterConfig, forceBackpropFilterRoute } from './conv2d-backprop-filter'
import { conv2DBackpropInputConfig, forceBackpropInputRoute } from './conv2d-backprop-input'
import { assembledKeys } from './simd/assembled'
import { forceRelaxedSimd, relaxedSimdAvailable } from './simd/features'
import { sweepKernel, windowSweep } from './test-sweeps'

// (in, out) channels in turn: one input channel (a first layer), and counts whose kernel rows
// fill whole vectors (the input gradient's route) or not (where only the other two take ours).
const CHANNELS = [
  [1, 4],
  [4, 8],
  [3, 12],
] as const

/** Each kernel and the assembled function its route runs on. */
const KERNELS: [KernelConfig, string][] = [
  [conv2DConfig, 'conv-forward'],
  [conv2DBackpropFilterConfig, 'conv-filter'],
  [conv2DBackpropInputConfig, 'conv-input'],
]

const instructionSets = relaxedSimdAvailable() ? [true, false] : [false]

describe.each(instructionSets)('our convolution kernels swept, relaxed SIMD %s', (relaxed) => {
  afterAll(() => {
    forceRelaxedSimd(null)
    forceBackpropFilterRoute(null)
    forceBackpropInputRoute(null)
  })
  it.each(KERNELS.map(([config, name]) => [config.kernelName, config, name] as const))(
    '%s matches cpu at every kernel size, stride and padding',
    async (_, config, name) => {
      forceRelaxedSimd(relaxed)
      forceBackpropFilterRoute('simd')
      forceBackpropInputRoute('simd')
      await sweepKernel(config, windowSweep('conv', undefined, CHANNELS))
      const ran = assembledKeys().filter((key) => key.startsWith(name) && key.endsWith(` ${relaxed}`))
      expect(ran.length).toBeGreaterThan(0)
    },
  )
})
