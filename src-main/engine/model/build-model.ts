/**
 * The network as a tfjs-layers model: conv blocks (convolutions with batch normalization, pooling,
 * dropout), flatten or global average pooling, dense layers with batch normalization and
 * dropout, and a final dense layer producing logits (the loss applies the softmax, once).
 */
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { Architecture } from '@common/schemas'
import { mixSeed } from '../train/rng'
import { BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM, batchNormTraining } from './batch-norm'
import { DEFAULT_CLASS_COUNT, DEFAULT_INPUT_SHAPE, planLayers, type InputShape } from './architecture'

/** Builds the untrained model; the same seed gives the same initial weights. Throws UserError. */
export function buildModel(
  architecture: Architecture,
  inputShape: InputShape = DEFAULT_INPUT_SHAPE,
  numClasses = DEFAULT_CLASS_COUNT,
  seed = 42,
): tfl.Sequential {
  const plan = planLayers(architecture, inputShape, numClasses)
  const model = tfl.sequential({ name: 'workbench_cnn' })
  plan.forEach((layer, index) => {
    const first = index === 0 ? { inputShape } : {}
    const kernelInitializer = tfl.initializers.glorotUniform({ seed: mixSeed(seed, index) })
    switch (layer.kind) {
      case 'conv':
        model.add(
          tfl.layers.conv2d({
            ...first,
            name: layer.name,
            filters: layer.conv.filters,
            kernelSize: layer.conv.kernelSize,
            strides: layer.conv.stride,
            padding: layer.conv.padding,
            activation: layer.conv.activation,
            kernelInitializer,
            biasInitializer: 'zeros',
          }),
        )
        break
      case 'batchNorm':
        model.add(
          tfl.layers.batchNormalization({
            name: layer.name,
            axis: -1,
            momentum: BATCH_NORM_MOMENTUM,
            epsilon: BATCH_NORM_EPSILON,
          }),
        )
        break
      case 'pool': {
        const options = { name: layer.name, poolSize: 2, strides: 2 }
        model.add(
          layer.pooling === 'max' ? tfl.layers.maxPooling2d(options) : tfl.layers.averagePooling2d(options),
        )
        break
      }
      case 'flatten':
        model.add(tfl.layers.flatten({ name: layer.name }))
        break
      case 'globalPool':
        model.add(tfl.layers.globalAveragePooling2d({ name: layer.name }))
        break
      case 'dense':
        model.add(
          tfl.layers.dense({
            name: layer.name,
            units: layer.layer.units,
            activation: layer.layer.activation,
            kernelInitializer,
            biasInitializer: 'zeros',
          }),
        )
        break
      case 'dropout':
        model.add(tfl.layers.dropout({ name: layer.name, rate: layer.rate }))
        break
      case 'output':
        model.add(
          tfl.layers.dense({
            name: layer.name,
            units: layer.units,
            activation: 'linear',
            kernelInitializer,
            biasInitializer: 'zeros',
          }),
        )
        break
    }
  })
  return model
}

/** What a training pass needs beyond the inputs: seeds for dropout, and a sink for batch statistics. */
export interface TrainingPass {
  /** The next dropout layer's seed. */
  dropoutSeed: () => number
  /** Each batch-norm layer's batch mean and mean of squares ([2, channels]), in layer order. */
  onMoments: (moments: tf.Tensor2D) => void
}

/**
 * Runs the model on a batch and returns its logits; without `training`, in inference mode. In
 * training, dropout draws its mask from the pass's seeds (one per dropout layer and step) instead
 * of Math.random, so that a run is reproducible: tfjs's own Dropout either is unseeded or,
 * seeded, repeats the same mask forever; and batch normalization uses the batch's statistics,
 * handing them out for the moving averages, which the step updates after every replica's part.
 */
export function forward(model: tfl.LayersModel, inputs: tf.Tensor, training?: TrainingPass): tf.Tensor2D {
  let x = inputs
  for (const layer of model.layers) {
    const kind = layer.getClassName()
    if (training && kind === 'Dropout') {
      x = seededDropout(x, layer.getConfig().rate as number, training.dropoutSeed())
    } else if (training && kind === 'BatchNormalization') {
      const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Tensor1D)
      const { y, moments } = batchNormTraining(x, gamma, beta, layer.getConfig().epsilon as number)
      training.onMoments(moments)
      x = y
    } else {
      x = layer.apply(x, { training: false }) as tf.Tensor
    }
  }
  return x as tf.Tensor2D
}

function seededDropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  if (rate <= 0) return x
  const keep = 1 - rate
  // Inverted dropout, as tfjs-layers does it: keep with probability 1 - rate, scale by 1 / keep.
  const mask = tf.floor(tf.add(tf.randomUniform(x.shape, 0, 1, 'float32', seed), keep))
  return tf.div(tf.mul(x, mask), keep)
}
