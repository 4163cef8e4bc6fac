/**
 * The one training step: the batch gathered (and augmented), forward with seeded dropout and
 * batch statistics, softmax cross-entropy (label-smoothed), the gradient of every trainable
 * variable, the count of right answers, and the update: gradients clipped by their global norm,
 * decoupled weight decay, the optimizer at the step's scheduled rate, then the batch-norm moving
 * statistics. The single-replica loop, every data-parallel replica (which averages gradients and
 * batch statistics between `gradients` and `apply`, so the update happens once, on the whole
 * batch's figures) and the benchmark all run this code, so what the bench measures is what
 * ships. `evaluateBatch` is the matching step of validation.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { RunConfig } from '@common/schemas'
import { updateMovingStatistics } from '../model/batch-norm'
import { forward } from '../model/build-model'
import { gatherBatch, sliceBatch, type ImageSet, type ImageShape } from './batches'
import { crossEntropy, setLearningRate } from './optimizer'
import type { Rng } from './rng'

/** The images a step reads its batches from. */
export interface StepImages extends ImageShape {
  set: ImageSet
  numClasses: number
}

/** The parts of a run's configuration that a step applies. */
export type StepRecipe = Pick<
  RunConfig,
  'augmentation' | 'labelSmoothing' | 'weightDecay' | 'gradientClipNorm'
>

/** The step's part of a run's configuration. */
export function stepRecipe(config: StepRecipe): StepRecipe {
  const { augmentation, labelSmoothing, weightDecay, gradientClipNorm } = config
  return { augmentation, labelSmoothing, weightDecay, gradientClipNorm }
}

/**
 * What one step is given. Per-step inputs of later features belong here, so the loop, the
 * replicas and the bench pass them the same way.
 */
export interface StepInput {
  /** The training images of this step (a replica's part of the batch, possibly none). */
  indices: Int32Array
  /** One seed per dropout layer of the model, in layer order. */
  dropoutSeeds: readonly number[]
  /** The step's augmentation seed and where this part starts in the whole batch; null without augmentation. */
  augment: { seed: number; offset: number } | null
  /** The rate of this step's update (the schedule's value). */
  learningRate: number
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
  /** One per batch-norm layer, in layer order: the part's mean and mean of squares, [2, channels]. */
  moments: tf.Tensor2D[]
  loss: tf.Scalar
  correct: tf.Scalar
}

/** One gradient or statistic as the update takes it: a tensor, or the values of one. */
export type UpdateValue = tf.Tensor | Float32Array

/** How many dropout seeds one forward pass draws (one per Dropout layer, as `forward` does). */
export function dropoutLayerCount(model: tfl.LayersModel): number {
  return model.layers.filter((layer) => layer.getClassName() === 'Dropout').length
}

/** `count` seeds from the run's generator, in the order a forward pass would draw them. */
export function drawSeeds(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.nextUint32())
}

/** The batch-norm layers of a model, in order. */
export function batchNormLayers(model: tfl.LayersModel): tfl.layers.Layer[] {
  return model.layers.filter((layer) => layer.getClassName() === 'BatchNormalization')
}

export class TrainingStep {
  /** The trainable variables, in the order of `gradients` and `apply`. */
  readonly variables: tf.Variable[]
  /** Seeds a step needs (`StepInput.dropoutSeeds`). */
  readonly dropoutLayers: number
  /** Each batch-norm layer's moving mean and variance, in layer order. */
  readonly movingStatistics: { mean: tf.Variable; variance: tf.Variable; channels: number }[]
  /** Whether weight decay applies to each variable: conv and dense kernels, not biases or batch norm. */
  private readonly decays: boolean[]

  constructor(
    readonly model: tfl.LayersModel,
    readonly optimizer: tf.Optimizer,
    readonly images: StepImages,
    readonly recipe: StepRecipe,
  ) {
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
    this.dropoutLayers = dropoutLayerCount(model)
    this.movingStatistics = batchNormLayers(model).map((layer) => {
      const [mean, variance] = layer.nonTrainableWeights.map((w) => w.read() as tf.Variable)
      return { mean, variance, channels: mean.size }
    })
    const kernels = new Set(
      model.layers
        .filter((layer) => ['Conv2D', 'Dense'].includes(layer.getClassName()))
        .map((layer) => layer.trainableWeights[0].read().id),
    )
    this.decays = this.variables.map((v) => kernels.has(v.id))
  }

  /** Forward, loss and gradients of the images at `input.indices` (at least one). */
  gradients(input: StepInput): StepGradients {
    const { set, numClasses } = this.images
    let next = 0
    let correct: tf.Scalar | null = null
    const moments: tf.Tensor2D[] = []
    const augment = input.augment && { augmentation: this.recipe.augmentation, ...input.augment }
    const { grads, loss } = tf.tidy(() => {
      const batch = gatherBatch(set, input.indices, this.images, augment)
      const oneHot = tf.oneHot(batch.labels, numClasses) as tf.Tensor2D
      const { value, grads } = tf.variableGrads(() => {
        const logits = forward(this.model, batch.inputs, {
          dropoutSeed: () => input.dropoutSeeds[next++],
          // batchNormTraining keeps them; the caller releases them with the gradients.
          onMoments: (m) => moments.push(m),
        })
        // Kept out of the gradient's tidy, which would dispose it; the caller releases it.
        correct = tf.keep(countCorrect(logits, batch.labels))
        return crossEntropy(logits, oneHot, tf.Reduction.MEAN, this.recipe.labelSmoothing)
      }, this.variables)
      return { grads: this.variables.map((v) => grads[v.name]), loss: value }
    })
    return { grads, moments, loss, correct: correct! }
  }

  /**
   * The update from the whole batch's gradients (one per variable) and batch statistics (one
   * per batch-norm layer), as tensors or plain values: clip, decay, optimizer, moving
   * statistics. Disposes nothing it is given.
   */
  apply(grads: readonly UpdateValue[], moments: readonly UpdateValue[], learningRate: number): void {
    const { gradientClipNorm, weightDecay } = this.recipe
    tf.tidy(() => {
      let gradients = this.variables.map((v, i) => asTensor(grads[i], v.shape))
      if (gradientClipNorm !== null) {
        // As PyTorch's clip_grad_norm_: scale by max / (norm + 1e-6) when that is below 1.
        const norm = tf.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g)))))
        const scale = tf.minimum(1, tf.div(gradientClipNorm, tf.add(norm, 1e-6)))
        gradients = gradients.map((g) => tf.mul(g, scale))
      }
      if (weightDecay > 0) {
        // Decoupled (AdamW): shrink the kernels before the optimizer's step, as PyTorch does.
        const keep = 1 - learningRate * weightDecay
        this.variables.forEach((v, i) => {
          if (this.decays[i]) v.assign(tf.mul(v, keep))
        })
      }
      setLearningRate(this.optimizer, learningRate)
      this.optimizer.applyGradients(this.variables.map((v, i) => ({ name: v.name, tensor: gradients[i] })))
      this.movingStatistics.forEach(({ mean, variance, channels }, i) => {
        updateMovingStatistics(mean, variance, asTensor(moments[i], [2, channels]) as tf.Tensor2D)
      })
    })
  }

  /** A whole step on one replica: gradients, update, then the figures read back. */
  async run(input: StepInput): Promise<StepStats> {
    const { grads, moments, loss, correct } = this.gradients(input)
    try {
      this.apply(grads, moments, input.learningRate)
      const stats = tf.stack([loss, correct])
      const [lossValue, correctValue] = await stats.data()
      stats.dispose()
      return { loss: lossValue, correct: correctValue }
    } finally {
      tf.dispose([...grads, ...moments, loss, correct])
    }
  }
}

function asTensor(value: UpdateValue, shape: number[]): tf.Tensor {
  return value instanceof tf.Tensor ? value : tf.tensor(value, shape)
}

/**
 * Validation figures of some images: their summed loss, how many were classified right, and per
 * class (label order) how many of the class's images there were and how many were right. Counts,
 * not ratios, so the parts of a batch and the batches of a set add up exactly.
 */
export interface EvaluationStats {
  lossSum: number
  correct: number
  classCorrect: number[]
  classTotal: number[]
}

/** Validation of `count` consecutive validation images from `start`, however many replicas share it. */
export type EvaluateBatch = (start: number, count: number) => Promise<EvaluationStats>

/** No images evaluated yet, for `numClasses` classes: what sums of EvaluationStats start from. */
export function emptyEvaluation(numClasses: number): EvaluationStats {
  return {
    lossSum: 0,
    correct: 0,
    classCorrect: Array(numClasses).fill(0),
    classTotal: Array(numClasses).fill(0),
  }
}

/** The figures of two disjoint sets of images as one (their sums, class by class). */
export function addEvaluations(a: EvaluationStats, b: EvaluationStats): EvaluationStats {
  return {
    lossSum: a.lossSum + b.lossSum,
    correct: a.correct + b.correct,
    classCorrect: a.classCorrect.map((n, k) => n + b.classCorrect[k]),
    classTotal: a.classTotal.map((n, k) => n + b.classTotal[k]),
  }
}

/** Summed loss and right answers, in all and per class, of `count` consecutive images from `start` (eval mode, plain cross-entropy). */
export async function evaluateBatch(
  model: tfl.LayersModel,
  images: StepImages,
  start: number,
  count: number,
): Promise<EvaluationStats> {
  const { numClasses } = images
  const stats = tf.tidy(() => {
    const batch = sliceBatch(images.set, start, count, images)
    const logits = forward(model, batch.inputs)
    const oneHot = tf.oneHot(batch.labels, numClasses) as tf.Tensor2D
    const right = tf.cast(tf.equal(tf.argMax(logits, 1), batch.labels), 'float32')
    // Each image's one-hot row, kept where it was classified right, summed per class.
    const classCorrect = tf.sum(tf.mul(oneHot, tf.expandDims(right, 1)), 0)
    const classTotal = tf.sum(oneHot, 0)
    const sums = tf.stack([crossEntropy(logits, oneHot, tf.Reduction.SUM), tf.sum(right)])
    return tf.concat([sums, classCorrect, classTotal])
  })
  try {
    const values = await stats.data()
    const counts = (from: number) => Array.from(values.subarray(from, from + numClasses), Math.round)
    return {
      lossSum: values[0],
      correct: values[1],
      classCorrect: counts(2),
      classTotal: counts(2 + numClasses),
    }
  } finally {
    stats.dispose()
  }
}

function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'))
}
