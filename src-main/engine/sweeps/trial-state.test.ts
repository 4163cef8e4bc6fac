import { describe, expect, it } from 'vitest'
import { best, isCrashed, trialState, withoutReason } from './trial-state'

describe('a sweep trial as its run says', () => {
  it('takes its run’s state, pruned where the runner stopped it, failed with the run’s sentence otherwise', () => {
    expect(trialState('running', undefined, undefined)).toEqual({ state: 'running' })
    expect(trialState('stopped', undefined, undefined)).toEqual({ state: 'stopped' })
    const pruned = { reason: 'stopped at epoch 1: below the top third', epoch: 1 }
    expect(trialState('stopped', undefined, pruned)).toEqual({
      state: 'pruned',
      reason: pruned.reason,
      prunedAt: 1,
    })
    expect(trialState('failed', 'Out of memory.', undefined)).toEqual({
      state: 'failed',
      reason: 'Out of memory.',
    })
    expect(trialState('interrupted', undefined, undefined)).toEqual({
      state: 'failed',
      reason: 'Its run is interrupted.',
    })
  })

  it('keeps the best value for the goal, knows a crashed trial, and forgets how one ended', () => {
    const accuracy = { metric: { name: 'val_accuracy', goal: 'maximize' } } as const
    const loss = { metric: { name: 'val_loss', goal: 'minimize' } } as const
    expect(best(accuracy, [0.9, 0.95, 0.93])).toBe(0.95)
    expect(best(loss, [0.3, 0.2, 0.25])).toBe(0.2)
    expect(best(loss, [])).toBeNull()
    const crashed = {
      number: 1,
      state: 'failed',
      reason: 'The training process ended unexpectedly (code 1).',
      prunedAt: 2,
    } as const
    expect(isCrashed(crashed as never)).toBe(true)
    expect(isCrashed({ ...crashed, reason: 'Out of memory.' } as never)).toBe(false)
    expect(withoutReason(crashed as never)).toEqual({ number: 1, state: 'failed' })
  })
})
