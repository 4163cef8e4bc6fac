import { describe, expect, it } from 'vitest'
import { bestSoFar } from './best-so-far'

describe('bestSoFar', () => {
  it('climbs for a metric to maximize and skips trials without a value', () => {
    const s = bestSoFar([0.9, null, 0.85, 0.95, 0.93], 'maximize')
    expect(s.trials.map((p) => p.x)).toEqual([1, 3, 4, 5])
    expect(s.best.map((p) => p.y)).toEqual([0.9, 0.9, 0.95, 0.95])
    expect(s.bestTrial).toBe(4)
  })

  it('falls for a loss to minimize', () => {
    const s = bestSoFar([0.5, 0.7, 0.3], 'minimize')
    expect(s.best.map((p) => p.y)).toEqual([0.5, 0.5, 0.3])
    expect(s.bestTrial).toBe(3)
  })

  it('is empty before any trial has a value', () => {
    expect(bestSoFar([null, null], 'maximize')).toEqual({ trials: [], best: [], bestTrial: null })
  })
})
