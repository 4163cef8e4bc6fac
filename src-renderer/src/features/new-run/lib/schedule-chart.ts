/** The learning-rate curve the new-run form draws: the schedule of the run it describes, as an SVG path. */
import { validationCount } from '@common/recipe'
import { batchesPerEpoch, scheduleCurve, type ScheduleConfig, type SchedulePoint } from '@common/schedule'
import { runConfigSchema, type RunConfigInput } from '@common/schemas'

/** Steps an epoch when the data set's size is not known yet: the curve's shape hardly depends on it. */
const UNKNOWN_SIZE_BATCHES = 100

/**
 * The schedule of the run `config` describes, with its steps an epoch: the training images
 * (the limit, or the data set's `trainCount`) less the validation split, in batches.
 */
export function scheduleOf(
  config: RunConfigInput,
  trainCount: number | null,
): { schedule: ScheduleConfig; batches: number } {
  const full = runConfigSchema.parse(config)
  const images = full.trainLimit ?? trainCount
  const batches =
    images === null
      ? UNKNOWN_SIZE_BATCHES
      : batchesPerEpoch(images - validationCount(images, full.validationSplit), full.batchSize)
  return { schedule: full, batches }
}

/** A curve fitted into a `width` x `height` box: its SVG path and the highest rate (the top). */
export interface CurvePath {
  d: string
  /** The highest rate, to three significant digits. */
  peak: number
  epochs: number
}

/** The path of `points` (epochs from 0, rates from 0 at the bottom to the highest at the top). */
export function curvePath(points: SchedulePoint[], epochs: number, width: number, height: number): CurvePath {
  const peak = Math.max(...points.map((p) => p.learningRate), 0)
  // Three digits are all a caption needs: a warm-up into a cosine peaks a hair below the rate.
  const shown = Number(peak.toPrecision(3))
  const x = (epoch: number) => (epoch / Math.max(epochs, 1)) * width
  const y = (rate: number) => (peak > 0 ? height - (rate / peak) * height : height)
  const d = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.epoch).toFixed(1)},${y(p.learningRate).toFixed(1)}`)
    .join(' ')
  return { d, peak: shown, epochs }
}

/** The curve of `config`'s schedule in a box, ready to draw. */
export function scheduleChart(
  config: RunConfigInput,
  trainCount: number | null,
  width: number,
  height: number,
): CurvePath {
  const { schedule, batches } = scheduleOf(config, trainCount)
  const points = scheduleCurve(schedule, batches, 160)
  // Each point is where a step starts; the last step's rate holds to the run's end.
  const last = points.at(-1)
  if (last) points.push({ epoch: schedule.epochs, learningRate: last.learningRate })
  return curvePath(points, schedule.epochs, width, height)
}
