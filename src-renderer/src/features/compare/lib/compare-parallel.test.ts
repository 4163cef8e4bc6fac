import { describe, expect, it } from 'vitest'
import {
  accuracyColor,
  compactCount,
  linePath,
  parallelLayout,
  spreadLabels,
  toParallelRun,
  type ParallelRun,
} from './compare-parallel'
import { epochs, runRecord } from '../../../lib/run-record.fixtures'

const box = { width: 600, height: 200, top: 20, bottom: 20, left: 50, right: 50 }
const run = (id: string, learningRate: number, bestValAccuracy: number, optimizer = 'adam'): ParallelRun => ({
  id,
  name: id,
  learningRate,
  batchSize: 100,
  epochs: 2,
  optimizer,
  params: 569606,
  bestValAccuracy,
})

describe('parallel coordinates', () => {
  it('puts the largest value at the top, learning rates on a log scale', () => {
    const layout = parallelLayout([run('a', 1e-2, 0.9), run('b', 1e-4, 0.8), run('c', 1e-3, 0.85)], box)
    expect(layout.axes.map((a) => a.label)).toEqual([
      'Learning rate',
      'Batch size',
      'Epochs',
      'Optimizer',
      'Parameters',
      'Best val. accuracy',
    ])
    const lr = (id: string) => layout.lines.find((l) => l.id === id)!.points[0].y
    expect(lr('a')).toBe(20)
    expect(lr('b')).toBe(180)
    expect(lr('c')).toBeCloseTo(100)
    expect(layout.axes[0].ticks.map((t) => t.label)).toEqual(['0.01', '1e-4'])
    expect(layout.accuracyRange).toEqual([0.8, 0.9])
  })

  it('centres an axis where every run has one value, and spaces categories', () => {
    const layout = parallelLayout([run('a', 1e-3, 0.9, 'adam'), run('b', 1e-3, 0.8, 'sgd')], box)
    expect(layout.lines[0].points[1].y).toBe(100)
    expect(layout.axes[3].ticks).toEqual([
      { y: 180, label: 'adam' },
      { y: 20, label: 'sgd' },
    ])
  })

  it('breaks a line where a run has no value', () => {
    expect(
      linePath([
        { x: 0, y: 1 },
        { x: 10, y: null },
        { x: 20, y: 3 },
        { x: 30, y: 4 },
      ]),
    ).toBe('M0.0,1.0M20.0,3.0L30.0,4.0')
  })

  it('leaves out runs without a finished epoch', () => {
    expect(toParallelRun(runRecord('1', 'a', {}, []), null)).toBeNull()
    expect(toParallelRun(runRecord('1', 'a', { learningRate: 1e-3 }, epochs([0.8, 0.9])), 5)).toMatchObject({
      learningRate: 1e-3,
      bestValAccuracy: 0.9,
      params: 5,
    })
  })

  it('colours by accuracy and writes counts short', () => {
    expect(accuracyColor(0.8, [0.8, 0.9])).toBe('#b9b2e3')
    expect(accuracyColor(0.9, [0.8, 0.9])).toBe('#1e1682')
    expect(compactCount(569606)).toBe('570k')
    expect(compactCount(1_234_567)).toBe('1.2M')
  })

  it('keeps labels apart', () => {
    expect(spreadLabels([50, 52, 200], 14, 0, 300)).toEqual([50, 64, 200])
    expect(spreadLabels([295, 298], 14, 0, 300)).toEqual([286, 300])
  })
})
