/**
 * Batch normalization in training for wasm, as two kernels of our own (tfjs has none that
 * trains): the forward one finds each channel's mean and variance in one pass (sums shifted by
 * the first row, so the variance does not cancel) and normalizes in a second; the gradient one
 * sums dy and dy times the centred input in one pass and writes dx in a second. tfjs's composite
 * of Mean, Sub, Square, FusedBatchNorm and their gradients reads the data about a dozen times.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import { BATCH_NORM_GRAD_KERNEL, BATCH_NORM_TRAINING_KERNEL } from '../../model/batch-norm'
import type { BackendWasm } from './kernel-utils'
import { heapF32, heapOffset, release } from './kernel-utils'
import { batchNormKernels } from './simd/batch-norm-kernels'

interface Args<I> {
  inputs: I
  backend: BackendWasm
  attrs: { epsilon: number }
}

/** x's rows (every axis but the last) and channels. */
function rowsOf(x: TensorInfo): [number, number] {
  const channels = x.shape[x.shape.length - 1]
  const size = x.shape.reduce((a, b) => a * b, 1)
  return [size / channels, channels]
}

function batchNormTraining(args: Args<{ x: TensorInfo; gamma: TensorInfo; beta: TensorInfo }>): TensorInfo[] {
  const { backend, inputs, attrs } = args
  const { x, gamma, beta } = inputs
  const [rows, channels] = rowsOf(x)
  const y = backend.makeOutput(x.shape, 'float32')
  const mean = backend.makeOutput([channels], 'float32')
  const variance = backend.makeOutput([channels], 'float32')
  // shift, sums, squares, scale, offset: `channels` floats each.
  const scratch = backend.makeOutput([5 * channels], 'float32')
  // Views only after the allocations above: growing the heap detaches older ones.
  const work = heapF32(backend, scratch)
  const [shift, sums, squares, scale, offset] = [0, 1, 2, 3, 4].map((i) =>
    work.subarray(i * channels, (i + 1) * channels),
  )
  shift.set(heapF32(backend, x).subarray(0, channels))
  sums.fill(0)
  squares.fill(0)
  const at = heapOffset(backend, scratch)
  const kernels = batchNormKernels(backend)
  const xAt = heapOffset(backend, x)
  kernels.shiftedSums(xAt, at, at + 4 * channels, at + 8 * channels, rows, channels)
  const [m, v, g, b] = [mean, variance, gamma, beta].map((t) => heapF32(backend, t))
  for (let c = 0; c < channels; c++) {
    const centred = sums[c] / rows
    m[c] = shift[c] + centred
    v[c] = Math.max(0, squares[c] / rows - centred * centred)
    scale[c] = g[c] / Math.sqrt(v[c] + attrs.epsilon)
    offset[c] = b[c] - m[c] * scale[c]
  }
  kernels.affine(xAt, heapOffset(backend, y), at + 12 * channels, at + 16 * channels, rows, channels)
  release(backend, scratch)
  return [y, mean, variance]
}

function batchNormTrainingGrad(
  args: Args<{ dy: TensorInfo; x: TensorInfo; mean: TensorInfo; variance: TensorInfo; gamma: TensorInfo }>,
): TensorInfo[] {
  const { backend, inputs, attrs } = args
  const { dy, x, mean, variance, gamma } = inputs
  const [rows, channels] = rowsOf(x)
  const dx = backend.makeOutput(x.shape, 'float32')
  const dgamma = backend.makeOutput([channels], 'float32')
  const dbeta = backend.makeOutput([channels], 'float32')
  // sum of dy x (x - mean), then the coefficients a, b, k of dx = a dy + b x + k.
  const scratch = backend.makeOutput([4 * channels], 'float32')
  const work = heapF32(backend, scratch)
  const [sumCentred, a, b, k] = [0, 1, 2, 3].map((i) => work.subarray(i * channels, (i + 1) * channels))
  const sumDy = heapF32(backend, dbeta)
  sumDy.fill(0)
  sumCentred.fill(0)
  const at = heapOffset(backend, scratch)
  const kernels = batchNormKernels(backend)
  const [dyAt, xAt] = [heapOffset(backend, dy), heapOffset(backend, x)]
  kernels.gradientSums(dyAt, xAt, heapOffset(backend, mean), heapOffset(backend, dbeta), at, rows, channels)
  const [m, v, g, dg] = [mean, variance, gamma, dgamma].map((t) => heapF32(backend, t))
  for (let c = 0; c < channels; c++) {
    // dx = gamma rstd (dy - dbeta / n - xhat dgamma / n), xhat = (x - mean) rstd.
    const rstd = 1 / Math.sqrt(v[c] + attrs.epsilon)
    dg[c] = sumCentred[c] * rstd
    a[c] = g[c] * rstd
    b[c] = (-g[c] * rstd * rstd * dg[c]) / rows
    k[c] = (-g[c] * rstd * sumDy[c]) / rows - b[c] * m[c]
  }
  const dxAt = heapOffset(backend, dx)
  kernels.gradientInput(
    dyAt,
    xAt,
    dxAt,
    at + 4 * channels,
    at + 8 * channels,
    at + 12 * channels,
    rows,
    channels,
  )
  release(backend, scratch)
  return [dx, dgamma, dbeta]
}

export const batchNormTrainingConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAINING_KERNEL,
  backendName: 'wasm',
  kernelFunc: batchNormTraining as unknown as KernelFunc,
}

export const batchNormTrainingGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_GRAD_KERNEL,
  backendName: 'wasm',
  kernelFunc: batchNormTrainingGrad as unknown as KernelFunc,
}
