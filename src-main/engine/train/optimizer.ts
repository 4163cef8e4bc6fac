import * as tf from '@tensorflow/tfjs-core'
import { FusedAdamOptimizer } from './fused-adam'
import type { RunConfig } from '@common/schemas'

/** The optimizer a run asks for: Adam, SGD (with momentum when it is above 0) or RMSProp. */
export function createOptimizer(
  config: Pick<RunConfig, 'optimizer' | 'learningRate' | 'momentum'>,
): tf.Optimizer {
  switch (config.optimizer) {
    case 'adam':
      return new FusedAdamOptimizer(config.learningRate)
    case 'sgd':
      return config.momentum > 0
        ? tf.train.momentum(config.learningRate, config.momentum)
        : tf.train.sgd(config.learningRate)
    case 'rmsprop':
      return tf.train.rmsprop(config.learningRate)
  }
}

/**
 * Sets the rate of the optimizer's next updates (a schedule's value). tfjs's SGD and momentum
 * optimizers have a setter; Adam and RMSProp read the field they were built with at each update.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const held = optimizer as unknown as { learningRate: number; setLearningRate?: (rate: number) => void }
  if (held.learningRate === learningRate) return
  // Not `instanceof tf.SGDOptimizer`: tfjs's optimizers all answer it (Optimizer's hasInstance).
  if (held.setLearningRate) held.setLearningRate(learningRate)
  else held.learningRate = learningRate
}

/**
 * Mean softmax cross-entropy of one-hot labels against logits (the softmax is applied here,
 * once), with the labels smoothed by `labelSmoothing` (0 for plain cross-entropy).
 */
export function crossEntropy(
  logits: tf.Tensor2D,
  oneHotLabels: tf.Tensor2D,
  reduction = tf.Reduction.MEAN,
  labelSmoothing = 0,
): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(
    oneHotLabels,
    logits,
    undefined,
    labelSmoothing,
    reduction,
  ) as tf.Scalar
}
