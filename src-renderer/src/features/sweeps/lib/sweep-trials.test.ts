import { describe, expect, it } from 'vitest'
import { sweepRecordFixture, trialFixture } from '../sweep.fixtures'
import {
  importanceInput,
  parameterAxes,
  rungEpochs,
  settledValues,
  stateCounts,
  topTrials,
} from './sweep-trials'

const record = sweepRecordFixture([
  trialFixture(1),
  trialFixture(2, { state: 'pruned', values: [0.5], value: 0.5, prunedAt: 1, reason: 'stopped at epoch 1' }),
  trialFixture(3),
  trialFixture(4, { state: 'running', values: [0.99], value: 0.99 }),
  trialFixture(5, { state: 'queued', runId: null, values: [], value: null }),
])

describe('a sweep read for its charts', () => {
  it('spaces a log-uniform parameter by its log and a list of words as categories', () => {
    expect(parameterAxes(record)).toEqual([
      { name: 'learningRate', kind: 'log' },
      { name: 'optimizer', kind: 'category' },
    ])
  })

  it('counts only settled trials in the best-so-far values', () => {
    expect(settledValues(record)).toEqual([0.91, 0.5, 0.93, null, null])
  })

  it('gives the forest logs and category indices of the trials with a value', () => {
    const input = importanceInput(record)
    expect(input.names).toEqual(['learningRate', 'optimizer'])
    expect(input.rows[0]).toEqual([-3, 0])
    expect(input.rows).toHaveLength(4)
    expect(input.categorical?.has('optimizer')).toBe(true)
  })

  it('puts ASHA rungs below the base epochs and picks the best runs to compare', () => {
    expect(rungEpochs(record)).toEqual([1])
    expect(topTrials(record, 2)).toEqual(['run-4', 'run-3'])
    expect(stateCounts(record)).toMatchObject({ completed: 2, pruned: 1, running: 1, queued: 1 })
  })
})
