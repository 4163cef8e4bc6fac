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

/** Mean softmax cross-entropy of integer labels against logits (the softmax is applied here, once). */
export function crossEntropy(
  logits: tf.Tensor2D,
  oneHotLabels: tf.Tensor2D,
  reduction = tf.Reduction.MEAN,
): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(oneHotLabels, logits, undefined, undefined, reduction) as tf.Scalar
}
