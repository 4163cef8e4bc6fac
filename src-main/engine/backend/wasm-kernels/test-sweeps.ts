/**
 * Test helper: a windowed kernel (a convolution, its two gradients, MaxPoolGrad) swept over every
 * kernel size, stride and padding the run schema allows, on small tensors, against the cpu
 * backend. Any backend's kernel can be swept: pass its KernelConfig (and force its route first,
 * if it has several).
 */
import * as tf from '@tensorflow/tfjs-core'
import { backend_util } from '@tensorflow/tfjs-core'
import type { KernelConfig, NamedAttrMap } from '@tensorflow/tfjs-core'
import { convBlockSchema } from '@common/schemas'
import { expectClose, onCpuAnd, values } from './test-helpers'

type Padding = 'valid' | 'same'

/** One kernel call of a sweep: NHWC operand sizes, window, stride and padding. */
export interface WindowCase {
  name: string
  batch: number
  height: number
  width: number
  inChannels: number
  /** Filters of a convolution (a pooling case keeps the channels). */
  outChannels: number
  kernel: number
  stride: number
  pad: Padding
  /** How the input is filled: a pooling window's maximum must be found among negatives and ties too. */
  fill: 'random' | 'negative' | 'ties'
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const kernelSizes = convBlockSchema.shape.kernelSize
const strides = convBlockSchema.shape.stride.unwrap()

/** The kernel sizes and strides a conv block may have, from the run schema. */
export const SWEPT_KERNEL_SIZES = range(kernelSizes.minValue!, kernelSizes.maxValue!)
export const SWEPT_STRIDES = range(strides.minValue!, strides.maxValue!)
const PADDINGS = convBlockSchema.shape.padding.unwrap().options

// (in, out) channels in turn: the one-channel special cases of the routes come up across the sweep.
const CONV_CHANNELS = [
  [2, 3],
  [1, 2],
  [3, 1],
] as const
// Channels in fours take MaxPoolGrad's SIMD path; three does not.
const POOL_CHANNELS = [4, 3, 8] as const
const FILLS = ['random', 'negative', 'ties'] as const

/**
 * Every kernel size x stride x padding of `kernels` (default: all the schema allows) on 13x12
 * images (not square, so swapped axes show): strides larger than the kernel included, whose
 * windows skip pixels (the input gradient's negative-edge crop). Convolutions take their
 * (in, out) channels from `convChannels` in turn.
 */
export function windowSweep(
  kind: 'conv' | 'pool',
  kernels: readonly number[] = SWEPT_KERNEL_SIZES,
  convChannels: readonly (readonly [number, number])[] = CONV_CHANNELS,
): WindowCase[] {
  const cases: WindowCase[] = []
  for (const kernel of kernels)
    for (const stride of SWEPT_STRIDES)
      for (const pad of PADDINGS) {
        const i = cases.length
        const [inChannels, outChannels] =
          kind === 'conv'
            ? convChannels[i % convChannels.length]
            : [POOL_CHANNELS[i % 3], POOL_CHANNELS[i % 3]]
        const fill = kind === 'conv' ? 'random' : FILLS[Math.floor(i / 2) % 3]
        const base = { batch: 2, height: 13, width: 12, inChannels, outChannels, kernel, stride, pad, fill }
        cases.push({ ...base, name: caseName(base) })
      }
  return cases
}

/** A readable name of a case, for failure messages and test titles. */
export function caseName(c: Omit<WindowCase, 'name'>): string {
  const fill = c.fill === 'random' ? '' : ` ${c.fill}`
  return `n${c.batch} ${c.height}x${c.width}x${c.inChannels}->${c.outChannels} k${c.kernel} s${c.stride} ${c.pad}${fill}`
}

/**
 * Runs `kernel` (Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput or MaxPoolGrad) on every case,
 * on its backend and on cpu, and compares each output within `rtol`. Given a whole KernelConfig
 * (ours), also asserts it is the kernel registered there; a name and backend sweep a shipped one.
 * Call it inside a test.
 */
export async function sweepKernel(
  kernel: KernelConfig | { kernelName: string; backendName: 'wasm' | 'webgpu' },
  cases: readonly WindowCase[],
  options: { rtol?: number } = {},
): Promise<void> {
  const call = KERNEL_CALLS[kernel.kernelName]
  if (!call) throw new Error(`no sweep for kernel ${kernel.kernelName}`)
  const backend = kernel.backendName as 'wasm' | 'webgpu'
  const ours = 'kernelFunc' in kernel ? kernel : undefined
  const { cpu, other } = await onCpuAnd(backend, () => cases.map(call), { ours })
  cases.forEach((c, i) =>
    expectClose(other[i], cpu[i], options.rtol ?? 1e-4, `${kernel.kernelName} ${c.name}`),
  )
}

function shapes(c: WindowCase) {
  const x: [number, number, number, number] = [c.batch, c.height, c.width, c.inChannels]
  const filter: [number, number, number, number] = [c.kernel, c.kernel, c.inChannels, c.outChannels]
  const info = backend_util.computeConv2DInfo(x, filter, c.stride, 1, c.pad)
  return { x, filter, dy: info.outShape }
}

function tensor(shape: number[], seed: number, fill: WindowCase['fill'] = 'random'): tf.Tensor {
  const v = values(
    shape.reduce((a, b) => a * b, 1),
    seed,
  )
  // After ReLU many windows are all zeros, and equal maxima must pick the same pixel as cpu.
  if (fill === 'ties')
    return tf.tensor(
      v.map((x) => Math.max(0, Math.round(x * 2) / 2)),
      shape,
    )
  if (fill === 'negative')
    return tf.tensor(
      v.map((x) => -Math.abs(x) - 0.01),
      shape,
    )
  return tf.tensor(v, shape)
}

const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) =>
  tf.engine().runKernel(name, inputs, attrs as NamedAttrMap) as tf.Tensor

const convAttrs = (c: WindowCase) => ({ strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC' })

/** How each swept kernel is called on one case. */
const KERNEL_CALLS: Record<string, (c: WindowCase) => tf.Tensor> = {
  Conv2D: (c) => {
    const s = shapes(c)
    return run(
      'Conv2D',
      { x: tensor(s.x, 1), filter: tensor(s.filter, 3) },
      { ...convAttrs(c), dilations: 1 },
    )
  },
  Conv2DBackpropFilter: (c) => {
    const s = shapes(c)
    return run(
      'Conv2DBackpropFilter',
      { x: tensor(s.x, 1), dy: tensor(s.dy, 2) },
      {
        ...convAttrs(c),
        filterShape: s.filter,
      },
    )
  },
  Conv2DBackpropInput: (c) => {
    const s = shapes(c)
    return run(
      'Conv2DBackpropInput',
      { dy: tensor(s.dy, 4), filter: tensor(s.filter, 3) },
      {
        ...convAttrs(c),
        inputShape: s.x,
      },
    )
  },
  MaxPoolGrad: (c) => {
    const input = tensor([c.batch, c.height, c.width, c.inChannels], 7, c.fill) as tf.Tensor4D
    const output = tf.maxPool(input, c.kernel, c.stride, c.pad)
    // A different weight for every output, so a gradient sent to the wrong pixel shows.
    const dy = tensor(output.shape, 8)
    const attrs = { filterSize: c.kernel, strides: c.stride, pad: c.pad }
    return run('MaxPoolGrad', { dy, input, output }, attrs)
  },
}
