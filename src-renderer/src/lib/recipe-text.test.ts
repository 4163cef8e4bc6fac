import { describe, expect, it } from 'vitest'
import { BUILTIN_PRESETS } from '@common/presets'
import { runConfigSchema } from '@common/schemas'
import {
  describeAugmentation,
  describeRegularization,
  describeSchedule,
  describeSelection,
  describeValidation,
} from './recipe-text'

const [notebook, , best] = BUILTIN_PRESETS.map((p) => runConfigSchema.parse(p.config))

describe('recipe text', () => {
  it('writes the notebook’s plain recipe as such', () => {
    expect(describeValidation(notebook)).toBe('the test set (split 0, as the notebook did)')
    expect(describeAugmentation(notebook)).toBe('none')
    expect(describeSchedule(notebook)).toBe('constant')
    expect(describeRegularization(notebook)).toBe('none')
    expect(describeSelection(notebook)).toBe('last epoch tested; best shown by validation accuracy')
  })

  it('writes every part of the Best accuracy recipe', () => {
    expect(describeValidation(best)).toBe('10% of the training images, held out')
    expect(describeAugmentation(best)).toBe('rotation 10°, zoom 0.1, shift 0.1')
    expect(describeSchedule(best)).toBe('one cycle (peak at 0.3, × 0.04 → × 4e-6)')
    expect(describeSelection(best)).toBe('best epoch by validation accuracy, kept and tested')
  })

  it('writes the options a preset leaves off', () => {
    const config = runConfigSchema.parse({
      schedule: { kind: 'step', everyEpochs: 1, factor: 0.5 },
      warmupEpochs: 2,
      weightDecay: 1e-4,
      labelSmoothing: 0.1,
      gradientClipNorm: 1,
      monitor: 'val_loss',
      earlyStopping: { patience: 3, minDelta: 0.001 },
      augmentation: { horizontalFlip: true },
    })
    expect(describeSchedule(config)).toBe('step (× 0.5 every 1 epoch), warm-up 2 epochs')
    expect(describeRegularization(config)).toBe(
      'weight decay 1e-4 (AdamW), label smoothing 0.1, gradient clipped to norm 1',
    )
    expect(describeSelection(config)).toBe(
      'best epoch by validation loss, kept and tested; stops after 3 epochs without a gain over 0.001',
    )
    expect(describeAugmentation(config)).toBe('horizontal flip')
  })
})
