/** A run's training recipe written for people, as the run page and Compare show it. */
import { formatLearningRate } from '@common/format'
import type { RunConfig } from '@common/schemas'

/** Where the run validates: `10% held out` or `test set (split 0)`. */
export function describeValidation(config: Pick<RunConfig, 'validationSplit'>): string {
  return config.validationSplit > 0
    ? `${Number((config.validationSplit * 100).toPrecision(4))}% of the training images, held out`
    : 'the test set (split 0, as the notebook did)'
}

/** The augmentation as one line: `rotation 10°, zoom 0.1, shift 0.1`, or `none`. */
export function describeAugmentation(config: Pick<RunConfig, 'augmentation'>): string {
  const { rotation, zoom, shift, horizontalFlip } = config.augmentation
  const parts = [
    rotation > 0 ? `rotation ${rotation}°` : '',
    zoom > 0 ? `zoom ${zoom}` : '',
    shift > 0 ? `shift ${shift}` : '',
    horizontalFlip ? 'horizontal flip' : '',
  ].filter(Boolean)
  return parts.length ? parts.join(', ') : 'none'
}

/** The learning-rate schedule with its warm-up: `one cycle (peak at 0.3, 0.04 → 4e-6), warm-up 1 epoch`. */
export function describeSchedule(config: Pick<RunConfig, 'schedule' | 'warmupEpochs'>): string {
  const s = config.schedule
  const factor = (n: number) => formatLearningRate(n)
  let text: string
  switch (s.kind) {
    case 'constant':
      text = 'constant'
      break
    case 'step':
      text = `step (× ${factor(s.factor)} every ${s.everyEpochs} epoch${s.everyEpochs === 1 ? '' : 's'})`
      break
    case 'exponential':
      text = `exponential (× ${factor(s.factor)} an epoch)`
      break
    case 'cosine':
      text = `cosine (down to × ${factor(s.finalFactor)})`
      break
    case 'one-cycle':
      text = `one cycle (peak at ${s.peakAt}, × ${factor(s.startFactor)} → × ${factor(s.finalFactor)})`
      break
  }
  const warmup = config.warmupEpochs
  return warmup > 0 ? `${text}, warm-up ${warmup} epoch${warmup === 1 ? '' : 's'}` : text
}

/** Weight decay, label smoothing and clipping: `weight decay 1e-4, clip 1`, or `none`. */
export function describeRegularization(
  config: Pick<RunConfig, 'weightDecay' | 'labelSmoothing' | 'gradientClipNorm' | 'optimizer'>,
): string {
  const parts = [
    config.weightDecay > 0
      ? `weight decay ${formatLearningRate(config.weightDecay)}${config.optimizer === 'adam' ? ' (AdamW)' : ''}`
      : '',
    config.labelSmoothing > 0 ? `label smoothing ${config.labelSmoothing}` : '',
    config.gradientClipNorm !== null ? `gradient clipped to norm ${config.gradientClipNorm}` : '',
  ].filter(Boolean)
  return parts.length ? parts.join(', ') : 'none'
}

/** How the run picks its epoch: `best by validation accuracy, kept; stops after 5 epochs without gain`. */
export function describeSelection(config: Pick<RunConfig, 'monitor' | 'keepBest' | 'earlyStopping'>): string {
  const figure = config.monitor === 'val_loss' ? 'validation loss' : 'validation accuracy'
  const kept = config.keepBest || config.earlyStopping !== null
  const stopping = config.earlyStopping
  return [
    kept ? `best epoch by ${figure}, kept and tested` : `last epoch tested; best shown by ${figure}`,
    stopping
      ? `stops after ${stopping.patience} epoch${stopping.patience === 1 ? '' : 's'} without a gain${stopping.minDelta > 0 ? ` over ${stopping.minDelta}` : ''}`
      : '',
  ]
    .filter(Boolean)
    .join('; ')
}
