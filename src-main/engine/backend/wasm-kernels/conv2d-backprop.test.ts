import { afterAll, describe, it } from 'vitest'
import { conv2DBackpropFilterConfig, forceBackpropFilterRoute } from './conv2d-backprop-filter'
import { conv2DBackpropInputConfig, forceBackpropInputRoute } from './conv2d-backprop-input'
import { SWEPT_KERNEL_SIZES, caseName, sweepKernel, windowSweep, type WindowCase } from './test-sweeps'

// Beyond the sweep: wider channels and batches, where the SIMD loops and GEMMs run longer rows.
const WIDE: WindowCase[] = (
  [
    [3, 10, 8, 2, 4, 5, 2, 'same'],
    [4, 8, 8, 5, 3, 1, 1, 'valid'],
    [2, 9, 10, 3, 4, 6, 4, 'valid'],
    [5, 6, 6, 8, 16, 3, 1, 'same'],
    [1, 14, 14, 1, 1, 5, 3, 'same'],
  ] as const
).map(([batch, height, width, inChannels, outChannels, kernel, stride, pad]) => {
  const c = { batch, height, width, inChannels, outChannels, kernel, stride, pad, fill: 'random' as const }
  return { ...c, name: caseName(c) }
})

describe.each(['gemm', 'conv', null] as const)('Conv2DBackpropFilter on wasm, route %s', (route) => {
  afterAll(() => forceBackpropFilterRoute(null))
  it.each(SWEPT_KERNEL_SIZES)('matches cpu for kernel %i at every stride and padding', async (kernel) => {
    forceBackpropFilterRoute(route)
    await sweepKernel(conv2DBackpropFilterConfig, windowSweep('conv', [kernel]))
  })
  it('matches cpu on wider shapes', async () => {
    forceBackpropFilterRoute(route)
    await sweepKernel(conv2DBackpropFilterConfig, WIDE)
  })
})

describe.each(['gemm', 'padded', null] as const)('Conv2DBackpropInput on wasm, route %s', (route) => {
  afterAll(() => forceBackpropInputRoute(null))
  it.each(SWEPT_KERNEL_SIZES)('matches cpu for kernel %i at every stride and padding', async (kernel) => {
    forceBackpropInputRoute(route)
    await sweepKernel(conv2DBackpropInputConfig, windowSweep('conv', [kernel]))
  })
  it('matches cpu on wider shapes', async () => {
    forceBackpropInputRoute(route)
    await sweepKernel(conv2DBackpropInputConfig, WIDE)
  })
})
