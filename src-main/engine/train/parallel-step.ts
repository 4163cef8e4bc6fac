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
    const local =
      input.indices.length === 0
        ? [...this.step.variables.map((v) => new Float32Array(v.size)), new Float32Array(2)]
        : await this.partGradients(input)
    // Hits are summed, not averaged: undo the weight, times replicas.
    if (weight > 0) local[local.length - 1][1] *= this.replicas / weight
    const mean = await this.exchange.allReduceMean(local, weight)
    this.step.apply(mean.slice(0, this.step.variables.length))
    const [loss, hits] = mean[this.step.variables.length]
    return { loss, correct: Math.round(hits) }
  }

  /** This part's gradients (one array per variable) and [mean loss, hits]. */
  private async partGradients(input: StepInput): Promise<Float32Array[]> {
    const { grads, loss, correct } = this.step.gradients(input)
    try {
      const values = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array))
      const stats = new Float32Array([(await loss.data())[0], (await correct.data())[0]])
      return [...values, stats]
    } finally {
      tf.dispose([...grads, loss, correct])
    }
  }
}
