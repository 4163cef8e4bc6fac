/**
 * The one training step: forward with seeded dropout, softmax cross-entropy, the gradient of
 * every trainable variable, the count of right answers, and the optimizer's update. The
 * single-replica loop, every data-parallel replica (which puts an exchange of gradients between
 * `gradients` and `apply`) and the benchmark all run this code, so what the bench measures is
 * what ships. `evaluateBatch` is the matching step of validation.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { forward } from '../model/build-model'
import { gatherBatch, sliceBatch, type ImageSet } from './batches'
import { crossEntropy } from './optimizer'
import type { Rng } from './rng'

/** The images a step reads its batches from. */
export interface StepImages {
  set: ImageSet
  rows: number
  cols: number
  numClasses: number
}

/**
 * What one step is given. Per-step inputs of later features (a training flag, a scheduled
 * learning rate) belong here, so the loop, the replicas and the bench pass them the same way.
 */
export interface StepInput {
  /** The training images of this step (a replica's part of the batch, possibly none). */
  indices: Int32Array
  /** One seed per dropout layer of the model, in layer order. */
  dropoutSeeds: readonly number[]
}

/** A step's figures: its mean loss and how many images it classified right. */
export interface StepStats {
  loss: number
  correct: number
}

/** The tensors of a step before the update; the caller disposes them. */
export interface StepGradients {
  /** One per trainable variable, in `variables` order. */
  grads: tf.Tensor[]
  loss: tf.Scalar
  correct: tf.Scalar
}

/** How many dropout seeds one forward pass draws (one per Dropout layer, as `forward` does). */
export function dropoutLayerCount(model: tfl.LayersModel): number {
  return model.layers.filter((layer) => layer.getClassName() === 'Dropout').length
}

/** `count` seeds from the run's generator, in the order a forward pass would draw them. */
export function drawSeeds(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.nextUint32())
}

export class TrainingStep {
  /** The trainable variables, in the order of `gradients` and `apply`. */
  readonly variables: tf.Variable[]
  /** Seeds a step needs (`StepInput.dropoutSeeds`). */
  readonly dropoutLayers: number

  constructor(
    readonly model: tfl.LayersModel,
    readonly optimizer: tf.Optimizer,
    readonly images: StepImages,
  ) {
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
    this.dropoutLayers = dropoutLayerCount(model)
  }

  /** Forward, loss and gradients of the images at `input.indices` (at least one). */
  gradients(input: StepInput): StepGradients {
    const { set, rows, cols, numClasses } = this.images
    let next = 0
    let correct: tf.Scalar | null = null
    const { grads, loss } = tf.tidy(() => {
      const batch = gatherBatch(set, input.indices, rows, cols)
      const oneHot = tf.oneHot(batch.labels, numClasses) as tf.Tensor2D
      const { value, grads } = tf.variableGrads(() => {
        const logits = forward(this.model, batch.inputs, () => input.dropoutSeeds[next++])
        // Kept out of the gradient's tidy, which would dispose it; the caller releases it.
        correct = tf.keep(countCorrect(logits, batch.labels))
        return crossEntropy(logits, oneHot)
      }, this.variables)
      return { grads: this.variables.map((v) => grads[v.name]), loss: value }
    })
    return { grads, loss, correct: correct! }
  }

  /** The optimizer's update with one gradient per variable (tensors or plain values); disposes nothing. */
  apply(grads: readonly (tf.Tensor | Float32Array)[]): void {
    tf.tidy(() => {
      this.optimizer.applyGradients(
        this.variables.map((v, i) => {
          const g = grads[i]
          return { name: v.name, tensor: g instanceof tf.Tensor ? g : tf.tensor(g, v.shape) }
        }),
      )
    })
  }

  /** A whole step on one replica: gradients, update, then the figures read back. */
  async run(input: StepInput): Promise<StepStats> {
    const { grads, loss, correct } = this.gradients(input)
    try {
      this.apply(grads)
      const stats = tf.stack([loss, correct])
      const [lossValue, correctValue] = await stats.data()
      stats.dispose()
      return { loss: lossValue, correct: correctValue }
    } finally {
      tf.dispose([...grads, loss, correct])
    }
  }
}

/** Validation figures of some images: their summed loss and how many were classified right. */
export interface EvaluationStats {
  lossSum: number
  correct: number
}

/** Validation of `count` consecutive test images from `start`, however many replicas share it. */
export type EvaluateBatch = (start: number, count: number) => Promise<EvaluationStats>

/** Summed loss and right answers of `count` consecutive images from `start` (eval mode). */
export async function evaluateBatch(
  model: tfl.LayersModel,
  images: StepImages,
  start: number,
  count: number,
): Promise<EvaluationStats> {
  const stats = tf.tidy(() => {
    const batch = sliceBatch(images.set, start, count, images.rows, images.cols)
    const logits = forward(model, batch.inputs)
    const oneHot = tf.oneHot(batch.labels, images.numClasses) as tf.Tensor2D
    return tf.stack([crossEntropy(logits, oneHot, tf.Reduction.SUM), countCorrect(logits, batch.labels)])
  })
  try {
    const [lossSum, correct] = await stats.data()
    return { lossSum, correct }
  } finally {
    stats.dispose()
  }
}

function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'))
}
