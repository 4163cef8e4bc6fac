/**
 * The network as a tfjs-layers model: conv blocks, flatten, dense layers with dropout, and a final
 * dense layer producing logits (the loss applies the softmax, once).
 */
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { Architecture } from '@common/schemas'
import { mixSeed } from '../train/rng'
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
            filters: layer.block.filters,
            kernelSize: layer.block.kernelSize,
            strides: layer.block.stride,
            padding: layer.block.padding,
            activation: layer.block.activation,
            kernelInitializer,
            biasInitializer: 'zeros',
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

/**
 * Runs the model on a batch and returns its logits. In training, dropout draws its mask from
 * `dropoutSeeds` (one per dropout layer and step) instead of Math.random, so that a run is
 * reproducible: tfjs's own Dropout either is unseeded or, seeded, repeats the same mask forever.
 */
export function forward(model: tfl.LayersModel, inputs: tf.Tensor, dropoutSeeds?: () => number): tf.Tensor2D {
  let x = inputs
  for (const layer of model.layers) {
    if (layer.getClassName() === 'Dropout' && dropoutSeeds) {
      x = seededDropout(x, layer.getConfig().rate as number, dropoutSeeds())
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
