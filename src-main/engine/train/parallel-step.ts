/**
 * One data-parallel training step as every replica performs it (the training process's main
 * thread and each worker thread alike): the shared TrainingStep's gradients and batch-norm
 * statistics of this replica's part of the batch, scaled by the part's share, averaged with the
 * other replicas' through the GradientExchange (together with the part's loss and hits), then
 * the same update everywhere (clipping, decay, optimizer, moving statistics), so the weights stay
 * identical without ever being sent. Batch normalization normalizes each part by its own
 * statistics, as PyTorch's DistributedDataParallel does without SyncBatchNorm.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { GradientExchange } from '../backend/data-parallel/gradient-exchange'
import { tensorValues } from '../backend/tensor-values'
import { batchNormLayers, type StepInput, type StepStats, type TrainingStep } from './step'

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

/**
 * The exchange's slots: every trainable variable, each batch-norm layer's [mean, mean of
 * squares], then the part's [scaled loss, scaled hits].
 */
export function exchangeSizes(model: tfl.LayersModel): number[] {
  return [
    ...model.trainableWeights.map((w) => w.read().size),
    ...batchNormLayers(model).map((layer) => 2 * layer.nonTrainableWeights[0].read().size),
    2,
  ]
}

export class ReplicaStepper {
  constructor(
    private readonly step: TrainingStep,
    private readonly exchange: GradientExchange,
    private readonly replicas: number,
  ) {}

  /**
   * Trains on this replica's part (`input.indices`, possibly none) of a batch of `batchSize`
   * images; resolves to the whole batch's mean loss and hits.
   */
  async run(input: StepInput, batchSize: number): Promise<StepStats> {
    // The mean over replicas of (gradient x count x replicas / batch) is the batch's gradient.
    const weight = (input.indices.length * this.replicas) / batchSize
    const { variables, movingStatistics } = this.step
    const slot = this.exchange.slot()
    const stats = slot[slot.length - 1]
    if (input.indices.length === 0) {
      for (const values of slot) values.fill(0)
    } else {
      const { grads, moments, loss, correct } = this.step.gradients(input)
      try {
        // Straight from where the backend computed them into the shared slot.
        ;[...grads, ...moments].forEach((t, i) => slot[i].set(tensorValues(t)))
        // Hits are summed, not averaged: undo the weight, times replicas.
        stats.set([tensorValues(loss)[0], (tensorValues(correct)[0] * this.replicas) / weight])
      } finally {
        tf.dispose([...grads, ...moments, loss, correct])
      }
    }
    const mean = await this.exchange.reduce(weight)
    const ends = variables.length + movingStatistics.length
    this.step.apply(mean.slice(0, variables.length), mean.slice(variables.length, ends), input.learningRate)
    const [loss, hits] = mean[ends]
    return { loss, correct: Math.round(hits) }
  }
}
