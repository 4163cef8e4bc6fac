/**
 * The schemas of a run's training recipe beyond the network: augmentation, the learning-rate
 * schedule, early stopping and the choice of the best epoch. Pure zod; `schemas.ts` puts them
 * into the run configuration.
 */
import { z } from 'zod'
import { limitSchema as limited, RUN_LIMITS } from './run-limits'

/**
 * Random transforms of each training image, drawn anew every time it is used (validation and
 * test images are never transformed). All zero and false: no augmentation.
 */
export const augmentationSchema = z.object({
  /** Largest rotation in degrees, either way. */
  rotation: limited(RUN_LIMITS.rotation).default(0),
  /** Largest zoom: each image is scaled by a factor drawn from [1 - zoom, 1 + zoom]. */
  zoom: limited(RUN_LIMITS.zoom).default(0),
  /** Largest shift, as a fraction of the image's width (across) and height (down), either way. */
  shift: limited(RUN_LIMITS.shift).default(0),
  /** Mirror half the images left to right; refused for data sets where that changes the class (digits). */
  horizontalFlip: z.boolean().default(false),
})
export type Augmentation = z.infer<typeof augmentationSchema>

/** Augmentation turned off (what runs recorded before it existed did). */
export const NO_AUGMENTATION: Augmentation = { rotation: 0, zoom: 0, shift: 0, horizontalFlip: false }

/** Whether `augmentation` transforms anything. */
export function augments(augmentation: Augmentation): boolean {
  const { rotation, zoom, shift, horizontalFlip } = augmentation
  return rotation > 0 || zoom > 0 || shift > 0 || horizontalFlip
}

/**
 * How the learning rate moves over a run (its `learningRate` is the peak). `learningRateAt` in
 * `schedule.ts` is the one formula of each kind, for the trainer and the form's curve alike.
 */
export const learningRateScheduleSchema = z.discriminatedUnion('kind', [
  /** The same rate throughout. */
  z.object({ kind: z.literal('constant') }),
  /** Times `factor` every `everyEpochs` epochs. */
  z.object({
    kind: z.literal('step'),
    everyEpochs: limited(RUN_LIMITS.scheduleEveryEpochs).default(10),
    factor: limited(RUN_LIMITS.scheduleFactor).default(0.1),
  }),
  /** Times `factor` after each epoch (cdeotte's MNIST recipe: 0.95). */
  z.object({ kind: z.literal('exponential'), factor: limited(RUN_LIMITS.scheduleFactor).default(0.95) }),
  /** Half a cosine, batch by batch, from the rate down to rate x `finalFactor` at the last batch. */
  z.object({ kind: z.literal('cosine'), finalFactor: limited(RUN_LIMITS.scheduleFinalFactor).default(0) }),
  /**
   * One cycle (Smith; PyTorch's OneCycleLR without momentum cycling): from rate x `startFactor`
   * up to the rate at `peakAt` (a fraction of the run), then down to rate x `finalFactor`, both
   * along half a cosine.
   */
  z.object({
    kind: z.literal('one-cycle'),
    peakAt: limited(RUN_LIMITS.schedulePeakAt).default(0.3),
    startFactor: limited(RUN_LIMITS.scheduleStartFactor).default(0.04),
    finalFactor: limited(RUN_LIMITS.scheduleFinalFactor).default(4e-6),
  }),
])
export type LearningRateSchedule = z.infer<typeof learningRateScheduleSchema>
export type ScheduleKind = LearningRateSchedule['kind']

/** The validation figure that picks the best epoch and drives early stopping. */
export const monitorSchema = z.enum(['val_loss', 'val_accuracy'])
export type Monitor = z.infer<typeof monitorSchema>

/**
 * Stop when the monitored validation figure has not improved by more than `minDelta` (loss, or
 * accuracy as a fraction) for `patience` epochs in a row.
 */
export const earlyStoppingSchema = z.object({
  patience: limited(RUN_LIMITS.patience).default(5),
  minDelta: limited(RUN_LIMITS.minDelta).default(0),
})
export type EarlyStopping = z.infer<typeof earlyStoppingSchema>

/**
 * How many of `total` training images a validation split of `fraction` holds out: the nearest
 * whole number, at least one when the fraction is above 0. The rest are trained on.
 */
export function validationCount(total: number, fraction: number): number {
  return fraction > 0 ? Math.max(1, Math.round(total * fraction)) : 0
}
