import { describe, expect, it } from 'vitest'
import { detectDivergence } from './divergence'
import type { EpochMetrics } from './run-record'
import { divergenceOf, summarizeMetrics } from './summary'

const epoch = (n: number, trainLoss: number, valAccuracy: number, valLoss = 0.5): EpochMetrics => ({
  type: 'epoch',
  epoch: n,
  trainLoss,
  trainAccuracy: valAccuracy,
  valLoss,
  valAccuracy,
  samplesPerSec: 100,
  elapsedMs: n * 1000,
  time: '2026-01-01T00:00:00.000Z',
})

describe('detectDivergence', () => {
  it('flags the run at learning rate 10: a loss of 2e10 at chance, from the epoch it exploded', () => {
    const found = detectDivergence([epoch(1, 0.4, 0.9), epoch(2, 21_340_799_247, 0.1)], 10)
    expect(found).toMatchObject({ kind: 'loss', epoch: 2 })
    expect(found?.message).toBe(
      'Diverged at epoch 2: the training loss reached 2.1e+10, where guessing gives 2.30; try a lower learning rate.',
    )
    expect(detectDivergence([epoch(1, Number.NaN, 0.5)], 10)?.kind).toBe('loss')
  })

  it('flags a run whose last epochs sit at chance, saying since when', () => {
    const found = detectDivergence([epoch(1, 1.2, 0.6), epoch(2, 2.3, 0.1), epoch(3, 2.3, 0.11)], 10)
    expect(found).toMatchObject({ kind: 'chance', epoch: 2 })
    expect(found?.message).toContain('validation accuracy 11.0% since epoch 2, where guessing gives 10.0%')
  })

  it('leaves alone a run that learns, and one that was at chance only early on', () => {
    expect(detectDivergence([epoch(1, 2.2, 0.12), epoch(2, 0.6, 0.85)], 10)).toBeNull()
    expect(detectDivergence([epoch(1, 0.3, 0.97)], 10)).toBeNull()
    expect(detectDivergence([], 10)).toBeNull()
  })

  it('judges chance by the number of classes', () => {
    expect(detectDivergence([epoch(1, 0.69, 0.52)], 2)?.kind).toBe('chance')
    expect(detectDivergence([epoch(1, 0.69, 0.52)], 10)).toBeNull()
  })
})

describe('divergenceOf', () => {
  it('reads the summary’s judgement, and judges a summary written before runs were judged', () => {
    const summary = summarizeMetrics([epoch(1, 3e9, 0.1)])!
    expect(divergenceOf({ dataset: null, summary })?.kind).toBe('loss')
    const { divergence: _, ...older } = summary
    expect(divergenceOf({ dataset: null, summary: older })?.kind).toBe('loss')
    expect(divergenceOf({ dataset: null, summary: summarizeMetrics([epoch(1, 0.3, 0.95)]) })).toBeNull()
  })
})
