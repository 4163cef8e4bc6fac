/**
 * The learning rate of every step of a run, as a pure function of its configuration and the
 * step's position: the trainer sets it before each update and the new-run form draws it.
 */
import type { RunConfig } from './schemas'

/** The parts of a run's configuration that decide its learning rate. */
export type ScheduleConfig = Pick<RunConfig, 'learningRate' | 'schedule' | 'warmupEpochs' | 'epochs'>

/** Steps in one epoch of `trainCount` images in batches of `batchSize` (the last one may be short). */
export function batchesPerEpoch(trainCount: number, batchSize: number): number {
  return Math.max(1, Math.ceil(trainCount / batchSize))
}

/**
 * The learning rate of batch `batch` (0-based) of epoch `epoch` (1-based) in a run of
 * `batches` steps an epoch. Step and exponential schedules change at epoch boundaries; cosine,
 * one-cycle and the warm-up move batch by batch.
 */
export function learningRateAt(
  config: ScheduleConfig,
  epoch: number,
  batch: number,
  batches: number,
): number {
  const { learningRate: rate, schedule } = config
  const step = (epoch - 1) * batches + batch
  const progress = Math.min(1, step / Math.max(1, config.epochs * batches))
  let value: number
  switch (schedule.kind) {
    case 'constant':
      value = rate
      break
    case 'step':
      value = rate * schedule.factor ** Math.floor((epoch - 1) / schedule.everyEpochs)
      break
    case 'exponential':
      value = rate * schedule.factor ** (epoch - 1)
      break
    case 'cosine':
      value = rate * between(schedule.finalFactor, 1, halfCosine(progress))
      break
    case 'one-cycle': {
      const { peakAt, startFactor, finalFactor } = schedule
      value =
        progress < peakAt
          ? rate * between(startFactor, 1, 1 - halfCosine(progress / peakAt))
          : rate * between(finalFactor, 1, halfCosine((progress - peakAt) / (1 - peakAt)))
      break
    }
  }
  const warmupSteps = config.warmupEpochs * batches
  return warmupSteps > 0 ? value * Math.min(1, (step + 1) / warmupSteps) : value
}

/** One point of a learning-rate curve: `epoch` is fractional (1.5 = halfway through epoch 2). */
export interface SchedulePoint {
  epoch: number
  learningRate: number
}

/**
 * The curve of a run's learning rate, for drawing: about `points` points evenly over its steps,
 * always including the first and the last step and every epoch's first step.
 */
export function scheduleCurve(config: ScheduleConfig, batches: number, points = 200): SchedulePoint[] {
  const total = config.epochs * batches
  const every = Math.max(1, Math.floor(total / points))
  const steps = new Set<number>([total - 1])
  for (let s = 0; s < total; s += every) steps.add(s)
  for (let e = 0; e < config.epochs; e++) steps.add(e * batches)
  return [...steps]
    .sort((a, b) => a - b)
    .map((s) => {
      const epoch = Math.floor(s / batches) + 1
      const batch = s % batches
      return {
        epoch: epoch - 1 + batch / batches,
        learningRate: learningRateAt(config, epoch, batch, batches),
      }
    })
}

/** 1 at 0, falling along half a cosine to 0 at 1. */
function halfCosine(t: number): number {
  return (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, t)))) / 2
}

/** `low` at weight 0, 1 at weight 1. */
function between(low: number, high: number, weight: number): number {
  return low + (high - low) * weight
}
