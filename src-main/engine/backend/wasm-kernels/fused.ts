import { util } from '@tensorflow/tfjs-core'
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { ConvEpilogue } from './simd/conv-forward'

/**
 * What our kernels apply on the way out for a fused op (FusedConv2D, _FusedMatMul): its bias
 * and ReLU, or nothing; null where they cannot (another activation, PReLU weights, a bias that
 * is not one value per output column), and the shipped kernel runs instead.
 */
export function fusedEpilogue(
  activation: string | undefined,
  bias: TensorInfo | undefined,
  preluActivationWeights: TensorInfo | undefined,
  columns: number,
): ConvEpilogue | null {
  if (activation !== undefined && activation !== 'linear' && activation !== 'relu') return null
  if (preluActivationWeights !== undefined) return null
  if (bias !== undefined && util.sizeFromShape(bias.shape) !== columns) return null
  return { bias: bias !== undefined, relu: activation === 'relu' }
}
