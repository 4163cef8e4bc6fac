import { describe, expect, it } from 'vitest'
import {
  compareChartConfig,
  compareLines,
  lineColor,
  lineOfDataset,
  nearestPolyline,
  timeUnit,
  xExtent,
} from './compare-charts'
import { niceCeil } from '../../../lib/chart-config'
import { COMPARE_PALETTE } from './compare-colors'
import { epochs, runRecord } from '../../../lib/run-record.fixtures'

const colors = {
  text: '#000',
  muted: '#555',
  grid: '#eee',
  surface: '#ffffff',
  train: '#00f',
  val: '#f80',
  batch: '#00f',
  danger: '#f00',
}
const a = {
  id: 'a',
  label: 'lr 1e-3',
  slot: 0,
  record: runRecord('a', 'lr 1e-3', { epochs: 5 }, []),
  metrics: epochs([0.9, 0.95], 30_000),
}
const b = {
  id: 'b',
  label: 'lr 1e-4',
  slot: 1,
  record: runRecord('b', 'lr 1e-4', { epochs: 2 }, []),
  metrics: epochs([0.7, 0.85], 90_000),
}

describe('compare charts', () => {
  it('draws validation and training per run, against epoch or wall time', () => {
    const lines = compareLines([a, b], 'accuracy', 'epoch', 'both')
    expect(lines.map((l) => l.label)).toEqual([
      'lr 1e-3 · validation',
      'lr 1e-4 · validation',
      'lr 1e-3 · training',
      'lr 1e-4 · training',
    ])
    expect(lines[1].points).toEqual([
      { x: 1, y: 0.7 },
      { x: 2, y: 0.85 },
    ])
    const timed = compareLines([a, b], 'loss', 'time', 'val', timeUnit(180_000))
    expect(timed[1].points.map((p) => p.x)).toEqual([1.5, 3])
  })

  it('picks a time unit and the axis end', () => {
    expect(timeUnit(90_000).symbol).toBe('s')
    expect(timeUnit(600_000).symbol).toBe('min')
    expect(timeUnit(9_000_000).symbol).toBe('h')
    expect(xExtent([a, b], 'epoch')).toBe(5)
    expect(xExtent([a, b], 'time')).toBe(180_000)
    expect([niceCeil(54), niceCeil(180), niceCeil(1.3), niceCeil(50), niceCeil(0)]).toEqual([
      55, 200, 1.5, 50, 1,
    ])
  })

  it('fades the runs that are not highlighted', () => {
    expect(lineColor({ runId: 'a', slot: 0 }, { colors, highlighted: null })).toBe(COMPARE_PALETTE.light[0])
    expect(lineColor({ runId: 'a', slot: 0 }, { colors, highlighted: 'b' })).toMatch(/^rgba\(.*0\.16\)$/)
    const config = compareChartConfig({
      lines: compareLines([a, b], 'accuracy', 'epoch', 'both'),
      metric: 'accuracy',
      axis: 'epoch',
      extent: 5,
      unit: timeUnit(0),
      colors,
      highlighted: 'a',
      fontFamily: 'sans-serif',
    })
    const widths = config.data.datasets.map((d) => d.borderWidth)
    expect(widths[0]).toBeGreaterThan(widths[1] as number)
    expect(config.data.datasets[2].borderDash).toEqual([6, 4])
  })

  it('finds the curve a click hit', () => {
    const flat = [
      { x: 0, y: 100 },
      { x: 100, y: 100 },
    ]
    const rising = [
      { x: 0, y: 0 },
      { x: 100, y: 50 },
    ]
    expect(nearestPolyline([flat, rising], { x: 50, y: 96 })).toBe(0)
    expect(nearestPolyline([flat, rising], { x: 50, y: 27 })).toBe(1)
    expect(nearestPolyline([flat, rising], { x: 50, y: 70 })).toBe(-1)
  })

  it('keeps a diverged run from squashing the others when outliers are ignored, and reaches it when not', () => {
    const diverged = {
      ...b,
      id: 'c',
      label: 'lr 10',
      slot: 2,
      metrics: epochs([0.1, 0.1], 30_000).map((m) => ({ ...m, trainLoss: 2.1e10, valLoss: 2.1e10 })),
    }
    const chart = (ignoreOutliers: boolean) =>
      compareChartConfig({
        lines: compareLines([a, b, diverged], 'loss', 'epoch', 'both'),
        metric: 'loss',
        axis: 'epoch',
        extent: 5,
        unit: timeUnit(0),
        colors,
        highlighted: null,
        ignoreOutliers,
        fontFamily: 'sans-serif',
      }).options?.scales?.y
    expect(chart(false)?.max).toBeUndefined()
    expect(chart(true)?.max).toBeLessThan(5)
  })

  it('draws every curve smoothed over its raw curve, faint, and a click on either picks its run', () => {
    const lines = compareLines([a, b], 'accuracy', 'epoch', 'val')
    const config = compareChartConfig({
      lines,
      metric: 'accuracy',
      axis: 'epoch',
      extent: 5,
      unit: timeUnit(0),
      colors,
      highlighted: null,
      smoothing: 0.5,
      fontFamily: 'sans-serif',
    })
    const sets = config.data.datasets
    expect(sets.map((d) => d.label)).toEqual([
      'lr 1e-3 · validation (raw)',
      'lr 1e-3 · validation',
      `${lines[1].label} (raw)`,
      lines[1].label,
    ])
    expect(sets[1].data.map((p) => p.y)).not.toEqual(sets[0].data.map((p) => p.y))
    expect(lineOfDataset(lines, sets[2])?.runId).toBe(lines[1].runId)
    expect(lineOfDataset(lines, sets[3])?.runId).toBe(lines[1].runId)
  })
})
