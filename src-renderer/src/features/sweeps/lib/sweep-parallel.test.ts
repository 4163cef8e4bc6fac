import { describe, expect, it } from 'vitest'
import { formatParam, sweepParallelLayout, type SweepPoint } from './sweep-parallel'

const box = { width: 600, height: 200, top: 20, bottom: 20, left: 50, right: 50 }
const trials: SweepPoint[] = [
  { id: 'a', name: 'a', params: { learningRate: 1e-4, optimizer: 'adam' }, metric: 0.9 },
  { id: 'b', name: 'b', params: { learningRate: 1e-2, optimizer: 'sgd' }, metric: 0.95 },
  { id: 'c', name: 'c', params: { learningRate: 1e-3, optimizer: 'adam' }, metric: null },
]
const params = [
  { name: 'learningRate', kind: 'log' as const },
  { name: 'optimizer', kind: 'category' as const },
]

describe('sweepParallelLayout', () => {
  it('has an axis per parameter and one for the metric, and leaves out trials without a value', () => {
    const layout = sweepParallelLayout(trials, params, { name: 'val_accuracy', goal: 'maximize' }, box)
    expect(layout.axes.map((a) => a.label)).toEqual(['learningRate', 'optimizer', 'val_accuracy'])
    expect(layout.lines.map((l) => l.id)).toEqual(['a', 'b'])
    expect(layout.axes[0].x).toBe(50)
    expect(layout.axes[2].x).toBe(550)
    // The larger learning rate and the better accuracy sit higher (smaller y).
    const [a, b] = layout.lines
    expect(b.points[0].y).toBeLessThan(a.points[0].y ?? 0)
    expect(b.points[2].y).toBeLessThan(a.points[2].y ?? 0)
    expect(layout.axes[2].ticks.map((t) => t.label)).toEqual(['95.0%', '90.0%'])
  })

  it('scores the lowest loss best when minimizing', () => {
    const layout = sweepParallelLayout(
      [
        { id: 'a', name: 'a', params: {}, metric: 0.3 },
        { id: 'b', name: 'b', params: {}, metric: 0.6 },
      ],
      [],
      { name: 'val_loss', goal: 'minimize' },
      box,
    )
    expect(layout.lines.find((l) => l.id === 'a')?.score).toBe(1)
    expect(layout.lines.find((l) => l.id === 'b')?.score).toBe(0)
    expect(layout.metricRange).toEqual([0.6, 0.3])
  })
})

describe('formatParam', () => {
  it('writes small rates in exponent form and categories as they are', () => {
    expect(formatParam(0.0003)).toBe('3.0e-4')
    expect(formatParam(0.25)).toBe('0.25')
    expect(formatParam(64)).toBe('64')
    expect(formatParam(true)).toBe('true')
    expect(formatParam(null)).toBe('—')
  })
})
