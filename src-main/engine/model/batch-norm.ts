/**
 * Batch normalization in training, as one operation with its own gradient: the batch's mean and
 * variance per channel (over every axis but the last), x normalized by them, scaled by gamma and
 * shifted by beta. The moving statistics that inference uses are updated apart, once per step,
 * from the batch statistics of every replica (`updateMovingStatistics`), so that replicas keep
 * identical weights. On wasm, kernels of our own do each direction in two passes over the data
 * (`backend/wasm-kernels/batch-norm.ts`); elsewhere tfjs's own operations do.
 */
import * as tf from '@tensorflow/tfjs-core'

/**
 * How much of the moving statistics a step keeps: PyTorch's 0.9 (its `momentum` is 0.1), not
 * Keras's 0.99, whose averages are still mostly their starting values after the few hundred steps
 * of a short run, so that its validation, in inference mode, sees a broken network. Epsilon is
 * Keras's. The PyTorch peer of the bench mirrors both.
 */
export const BATCH_NORM_MOMENTUM = 0.9
export const BATCH_NORM_EPSILON = 1e-3

/**
 * The kernels a backend may register to train batch normalization fast: the forward one takes
 * x, gamma, beta (attribute epsilon) and returns y, the batch mean and the (biased) variance;
 * the gradient one takes dy, x, mean, variance, gamma and returns dx, dgamma, dbeta.
 */
export const BATCH_NORM_TRAINING_KERNEL = 'WorkbenchBatchNormTraining'
export const BATCH_NORM_GRAD_KERNEL = 'WorkbenchBatchNormTrainingGrad'

// The registered gradient keeps x by reference (a custom gradient would copy it).
tf.registerGradient({
  kernelName: BATCH_NORM_TRAINING_KERNEL,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dy, saved, attrs) => {
    const [x, gamma, mean, variance] = saved
    const inputs = { dy: Array.isArray(dy) ? dy[0] : dy, x, mean, variance, gamma }
    const [dx, dgamma, dbeta] = tf.engine().runKernel(BATCH_NORM_GRAD_KERNEL, inputs, attrs) as tf.Tensor[]
    return { x: () => dx, gamma: () => dgamma, beta: () => dbeta }
  },
})

/** What batch normalization in training returns. */
export interface BatchNormResult {
  y: tf.Tensor
  /** Per channel: the batch mean and the mean of squares ([2, channels]), for the moving statistics. */
  moments: tf.Tensor2D
}

/**
 * y = gamma * (x - mean) / sqrt(variance + epsilon) + beta with the batch's own mean and
 * variance; `moments` is kept past the gradient's scope (the caller disposes it).
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon = BATCH_NORM_EPSILON,
): BatchNormResult {
  if (tf.getKernel(BATCH_NORM_TRAINING_KERNEL, tf.getBackend())) {
    const [y, mean, variance] = tf.engine().runKernel(
      BATCH_NORM_TRAINING_KERNEL,
      { x, gamma, beta },
      {
        epsilon,
      },
    ) as tf.Tensor[]
    return { y, moments: keepMoments(mean as tf.Tensor1D, variance as tf.Tensor1D) }
  }
  let moments: tf.Tensor2D | null = null
  const op = tf.customGrad((xs, g, b, save) => {
    const axes = leadingAxes(xs as tf.Tensor)
    const { mean, variance } = tf.moments(xs as tf.Tensor, axes)
    const y = tf.batchNorm(xs as tf.Tensor, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, epsilon)
    ;(save as tf.GradSaveFunc)([xs as tf.Tensor, mean, variance, g as tf.Tensor])
    moments = keepMoments(mean as tf.Tensor1D, variance as tf.Tensor1D)
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sMean, sVariance, sGamma] = saved
        return compositeGradient(
          dy,
          sx,
          sMean as tf.Tensor1D,
          sVariance as tf.Tensor1D,
          sGamma as tf.Tensor1D,
          epsilon,
        )
      },
    }
  })
  const y = op(x, gamma, beta)
  return { y, moments: moments! }
}

/** The batch mean and mean of squares, [2, channels], kept out of the tidy scopes around it. */
function keepMoments(mean: tf.Tensor1D, variance: tf.Tensor1D): tf.Tensor2D {
  return tf.keep(tf.tidy(() => tf.stack([mean, tf.add(variance, tf.square(mean))]) as tf.Tensor2D))
}

/** dx, dgamma, dbeta of y = gamma * xhat + beta, xhat normalized by x's own batch statistics. */
function compositeGradient(
  dy: tf.Tensor,
  x: tf.Tensor,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  gamma: tf.Tensor1D,
  epsilon: number,
): tf.Tensor[] {
  return tf.tidy(() => {
    const axes = leadingAxes(x)
    const count = x.size / x.shape[x.shape.length - 1]
    const rstd = tf.rsqrt(tf.add(variance, epsilon))
    const xhat = tf.mul(tf.sub(x, mean), rstd)
    const dbeta = tf.sum(dy, axes)
    const dgamma = tf.sum(tf.mul(dy, xhat), axes)
    // dx = gamma * rstd * (dy - dbeta / n - xhat * dgamma / n)
    const centred = tf.sub(tf.sub(dy, tf.div(dbeta, count)), tf.mul(xhat, tf.div(dgamma, count)))
    const dx = tf.mul(centred, tf.mul(gamma, rstd))
    return [dx, dgamma, dbeta]
  })
}

/**
 * Moves a layer's moving mean and variance towards a step's batch statistics (`moments`: the
 * whole batch's mean and mean of squares, [2, channels]): moving = moving x momentum + batch x (1 - momentum).
 */
export function updateMovingStatistics(
  movingMean: tf.Variable,
  movingVariance: tf.Variable,
  moments: tf.Tensor2D,
  momentum = BATCH_NORM_MOMENTUM,
): void {
  tf.tidy(() => {
    const [mean, meanOfSquares] = tf.unstack(moments)
    const variance = tf.relu(tf.sub(meanOfSquares, tf.square(mean)))
    movingMean.assign(tf.add(tf.mul(movingMean, momentum), tf.mul(mean, 1 - momentum)))
    movingVariance.assign(tf.add(tf.mul(movingVariance, momentum), tf.mul(variance, 1 - momentum)))
  })
}

function leadingAxes(x: tf.Tensor): number[] {
  return Array.from({ length: x.rank - 1 }, (_, i) => i)
}
