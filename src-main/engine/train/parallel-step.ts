/**
 * One data-parallel training step as every replica performs it (the training process's main
 * thread and each worker thread alike): the shared TrainingStep's gradients of this replica's
 * part of the batch, scaled by the part's share, averaged with the other replicas' through the
 * GradientExchange (together with the part's loss and hits), then the same optimizer update
 * everywhere, so the weights stay identical without ever being sent.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { GradientExchange } from '../backend/data-parallel/gradient-exchange'
import { tensorValues } from '../backend/tensor-values'
import type { StepInput, StepStats, TrainingStep } from './step'

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

/** The exchange's slots: every trainable variable, then the part's [scaled loss, scaled hits]. */
export function exchangeSizes(model: tfl.LayersModel): number[] {
  return [...model.trainableWeights.map((w) => w.read().size), 2]
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
    const slot = this.exchange.slot()
    const stats = slot[slot.length - 1]
    if (input.indices.length === 0) {
      for (const values of slot) values.fill(0)
    } else {
      const { grads, loss, correct } = this.step.gradients(input)
      try {
        // Straight from where the backend computed them into the shared slot.
        grads.forEach((g, i) => slot[i].set(tensorValues(g)))
        // Hits are summed, not averaged: undo the weight, times replicas.
        stats.set([tensorValues(loss)[0], (tensorValues(correct)[0] * this.replicas) / weight])
      } finally {
        tf.dispose([...grads, loss, correct])
      }
    }
    const mean = await this.exchange.reduce(weight)
    this.step.apply(mean.slice(0, this.step.variables.length))
    const [loss, hits] = mean[this.step.variables.length]
    return { loss, correct: Math.round(hits) }
  }
}
