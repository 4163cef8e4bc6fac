import { describe, expect, it } from 'vitest'
import { focusedRange, type ChartLine } from './chart-config'

const line = (kind: ChartLine['kind'], points: [number, number][]): ChartLine => ({
  label: kind,
  kind,
  points: points.map(([x, y]) => ({ x, y })),
})

describe('focusedRange', () => {
  it('shows everything until two epochs have finished', () => {
    expect(focusedRange([line('batch', [[0.5, 2.3]]), line('train', [[1, 0.3]])], 'loss')).toBeNull()
  })

  it('lets the first epoch of the batch curve run off the top of the loss chart', () => {
    const lines = [
      line('batch', [
        [0.1, 2.3],
        [1.5, 0.2],
      ]),
      line('train', [
        [1, 0.3],
        [2, 0.12],
      ]),
      line('val', [
        [1, 0.25],
        [2, 0.1],
      ]),
    ]
    expect(focusedRange(lines, 'loss')).toEqual({ max: 0.35 })
  })

  it('raises the floor of the accuracy chart', () => {
    const lines = [
      line('batch', [
        [0.1, 0.1],
        [1.5, 0.93],
      ]),
      line('val', [
        [1, 0.95],
        [2, 0.97],
      ]),
    ]
    expect(focusedRange(lines, 'accuracy')).toEqual({ min: 0.92 })
  })
})
