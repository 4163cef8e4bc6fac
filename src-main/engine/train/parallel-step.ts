/**
 * One data-parallel training step as every replica performs it (the training process's main
 * thread and each worker thread alike): gradients of this replica's part of the batch, scaled by
 * the part's share, averaged with the other replicas' through the GradientExchange (together with
 * the part's loss and hits), then the same optimizer update everywhere, so the weights stay
 * identical without ever being sent.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { GradientExchange } from '../backend/data-parallel/gradient-exchange'
import { forward } from '../model/build-model'
import { gatherBatch, type ImageSet } from './batches'
import { crossEntropy } from './optimizer'

/** The training images a replica reads its parts from. */
export interface ReplicaImages {
  set: ImageSet
  rows: number
  cols: number
  numClasses: number
}

/** Where each replica's part of a batch of `size` starts and how long it is; sizes differ by at most 1. */
export function splitBatch(size: number, replicas: number): { start: number; count: number }[] {
  const base = Math.floor(size / replicas)
  const extra = size % replicas
  const parts: { start: number; count: number }[] = []
  let start = 0
  for (let r = 0; r < replicas; r++) {
    const count = base + (r < extra ? 1 : 0)
    parts.push({ start, count })
    start += count
  }
  return parts
}

/** How many dropout seeds one forward pass draws (one per Dropout layer, as `forward` does). */
export function dropoutLayerCount(model: tfl.LayersModel): number {
  return model.layers.filter((layer) => layer.getClassName() === 'Dropout').length
}

/** The exchange's slots: every trainable variable, then the part's [scaled loss, scaled hits]. */
export function exchangeSizes(model: tfl.LayersModel): number[] {
  return [...model.trainableWeights.map((w) => w.read().size), 2]
}

export class ReplicaStepper {
  private readonly variables: tf.Variable[]

  constructor(
    private readonly model: tfl.LayersModel,
    private readonly optimizer: tf.Optimizer,
    private readonly exchange: GradientExchange,
    private readonly images: ReplicaImages,
    private readonly replicas: number,
  ) {
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  }

  /**
   * Trains on this replica's `indices` (possibly none) of a batch of `batchSize` images, with
   * `seeds` for its dropout masks; resolves to the whole batch's mean loss and hits.
   */
  async step(indices: Int32Array, batchSize: number, seeds: readonly number[]): Promise<[number, number]> {
    // The mean over replicas of (gradient x count x replicas / batch) is the batch's gradient.
    const weight = (indices.length * this.replicas) / batchSize
    const local =
      indices.length === 0
        ? [...this.variables.map((v) => new Float32Array(v.size)), new Float32Array(2)]
        : await this.partGradients(indices, seeds)
    // Hits are summed, not averaged: undo the weight, times replicas.
    if (weight > 0) local[local.length - 1][1] *= this.replicas / weight
    const mean = await this.exchange.allReduceMean(local, weight)
    tf.tidy(() => {
      this.optimizer.applyGradients(
        this.variables.map((v, i) => ({ name: v.name, tensor: tf.tensor(mean[i], v.shape) })),
      )
    })
    const [loss, hits] = mean[this.variables.length]
    return [loss, Math.round(hits)]
  }

  /** This part's gradients (one array per variable) and [mean loss, hits]. */
  private async partGradients(indices: Int32Array, seeds: readonly number[]): Promise<Float32Array[]> {
    const { set, rows, cols, numClasses } = this.images
    let next = 0
    let hits: tf.Scalar | null = null
    const { grads, loss } = tf.tidy(() => {
      const batch = gatherBatch(set, indices, rows, cols)
      const oneHot = tf.oneHot(batch.labels, numClasses) as tf.Tensor2D
      const { value, grads } = tf.variableGrads(() => {
        const logits = forward(this.model, batch.inputs, () => seeds[next++])
        // Kept out of the gradient's tidy, which would dispose it; released below.
        hits = tf.keep(countCorrect(logits, batch.labels))
        return crossEntropy(logits, oneHot)
      }, this.variables)
      return { grads: this.variables.map((v) => grads[v.name]), loss: value }
    })
    try {
      const values = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array))
      const stats = new Float32Array([(await loss.data())[0], (await hits!.data())[0]])
      return [...values, stats]
    } finally {
      tf.dispose([...grads, loss])
      ;(hits as tf.Scalar | null)?.dispose()
    }
  }
}

function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'))
}
