import { describe, expect, it } from 'vitest'
import { earlyTerminateSchema } from '@common/sweep'
import { pruneReason } from './pruners'

const asha = earlyTerminateSchema.parse({ type: 'asha', min_epochs: 3, eta: 3 })
const median = earlyTerminateSchema.parse({ type: 'median', min_epochs: 2, startup_trials: 3 })
const accuracy = { name: 'val_accuracy', goal: 'maximize' } as const
const loss = { name: 'val_loss', goal: 'minimize' } as const
/** Trials that reached epoch 3 with these accuracies there. */
const atThree = (...values: number[]) => values.map((v) => [0.5, 0.7, v])

describe('ASHA', () => {
  it('stops a trial below the top third of its rung, saying why', () => {
    const others = atThree(0.95, 0.934, 0.9, 0.88, 0.85)
    expect(pruneReason(asha, accuracy, { epochs: 27, values: [0.6, 0.8, 0.912] }, others)).toBe(
      'stopped at epoch 3: val_accuracy 0.912 was below the top third (0.934) of this rung',
    )
    // At or above the threshold it goes on.
    expect(pruneReason(asha, accuracy, { epochs: 27, values: [0.6, 0.8, 0.94] }, others)).toBeNull()
  })

  it('decides only at rungs (3, 9 of 27 epochs), never at the last epoch', () => {
    const others = atThree(0.99, 0.98, 0.97)
    expect(pruneReason(asha, accuracy, { epochs: 27, values: [0.1, 0.2] }, others)).toBeNull()
    expect(pruneReason(asha, accuracy, { epochs: 27, values: [0.1, 0.2, 0.3, 0.4] }, others)).toBeNull()
    expect(pruneReason(asha, accuracy, { epochs: 3, values: [0.1, 0.2, 0.3] }, others)).toBeNull()
  })

  it('lets the first trial at a rung go on, then only those as good as the best while fewer than eta', () => {
    expect(pruneReason(asha, accuracy, { epochs: 9, values: [0.1, 0.2, 0.3] }, [])).toBeNull()
    expect(pruneReason(asha, accuracy, { epochs: 9, values: [0.1, 0.2, 0.3] }, atThree(0.5))).toBe(
      'stopped at epoch 3: val_accuracy 0.300 was below the top third (0.500) of this rung',
    )
  })

  it('speaks of a loss as above the best part', () => {
    const others = [
      [0.5, 0.4, 0.2],
      [0.5, 0.4, 0.25],
      [0.5, 0.4, 0.3],
    ]
    expect(pruneReason(asha, loss, { epochs: 9, values: [0.5, 0.4, 0.31] }, others)).toBe(
      'stopped at epoch 3: val_loss 0.310 was above the best third (0.200) of this rung',
    )
  })
})

describe('the median rule', () => {
  it('stops a trial whose best so far is worse than the median of the others at this epoch', () => {
    const others = [
      [0.8, 0.9],
      [0.82, 0.91],
      [0.7, 0.85],
      [0.6, 0.8],
    ]
    expect(pruneReason(median, accuracy, { epochs: 5, values: [0.86, 0.84] }, others)).toBe(
      'stopped at epoch 2: its best val_accuracy so far, 0.860, was below the median (0.875) of 4 other trials at this epoch',
    )
    expect(pruneReason(median, accuracy, { epochs: 5, values: [0.88, 0.87] }, others)).toBeNull()
  })

  it('waits for min_epochs and for startup_trials others', () => {
    const others = [
      [0.8, 0.9],
      [0.82, 0.91],
      [0.7, 0.85],
    ]
    expect(pruneReason(median, accuracy, { epochs: 5, values: [0.1] }, others)).toBeNull()
    expect(pruneReason(median, accuracy, { epochs: 5, values: [0.1, 0.1] }, others.slice(0, 2))).toBeNull()
    expect(pruneReason(median, accuracy, { epochs: 5, values: [0.1, 0.1] }, others)).toMatch(
      /^stopped at epoch 2: /,
    )
  })
})
