// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { EXPORT_COLORS } from './charts-png'
import { isRawCurve, lineChartConfig, tickText, valueText, yBounds, type ChartLine } from './chart-config'

const line = (kind: ChartLine['kind'], points: [number, number][]): ChartLine => ({
  label: kind,
  kind,
  points: points.map(([x, y]) => ({ x, y })),
})

/** A finished two-epoch run: its first batches at 2.3, the rest far lower. */
const lossLines = [
  line('batch', [
    [0.05, 2.3],
    [0.1, 1.9],
    ...Array.from({ length: 38 }, (_, i): [number, number] => [0.15 + i * 0.05, 0.2 - i * 0.002]),
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
const options = { lines: lossLines, colors: EXPORT_COLORS, y: 'loss', epochs: 2 } as const

describe('the y axis', () => {
  it('reaches every value by default: after a run ends the early batches at 2.3 stay on the loss chart', () => {
    expect(yBounds(options)).toEqual({})
    const y = lineChartConfig(options).options?.scales?.y
    expect(y?.max).toBeUndefined()
    expect(y?.min).toBeUndefined()
  })

  it('lets the steep first batches run off the top when outliers are ignored', () => {
    const { max } = yBounds({ ...options, ignoreOutliers: true })
    expect(max).toBeLessThan(1.9)
    expect(max).toBeGreaterThanOrEqual(0.3)
  })

  it('raises the floor of the accuracy chart when outliers are ignored', () => {
    const lines = [
      line('val', [
        [1, 0.95],
        [2, 0.97],
      ]),
      line('train', [
        [1, 0.93],
        [2, 0.96],
      ]),
    ]
    const bounds = yBounds({ ...options, y: 'accuracy', lines, ignoreOutliers: true })
    expect(bounds.min).toBeGreaterThan(0.85)
    expect(bounds.min).toBeLessThanOrEqual(0.93)
    // A run at chance beside one whose first epoch was at 75%: no outlier, and the axis
    // starts at a round 0%, not at 4%.
    const chance = [
      line('val', [
        [1, 0.93],
        [2, 0.95],
      ]),
      line('train', [
        [1, 0.75],
        [2, 0.93],
      ]),
      line('val', [
        [1, 0.1],
        [2, 0.1],
      ]),
    ]
    expect(yBounds({ ...options, y: 'accuracy', lines: chance, ignoreOutliers: true }).min).toBe(0)
  })
})

describe('smoothing', () => {
  it('draws the per-batch curve smoothed with its raw curve faint behind; epoch lines stay as they are', () => {
    const datasets = lineChartConfig({ ...options, smoothing: 0.6 }).data.datasets
    expect(datasets.map((d) => d.label)).toEqual(['batch (raw)', 'batch', 'train', 'val'])
    expect(isRawCurve(datasets[0])).toBe(true)
    expect(datasets[0].data).toBe(lossLines[0].points)
    expect(datasets[1].data[0].y).toBeCloseTo(2.3)
    expect(datasets[1].data[1].y).toBeGreaterThan(1.9)
    expect(datasets[2].data).toBe(lossLines[1].points)
    expect(String(datasets[0].borderColor)).toMatch(/rgba\(.*, 0\.22\)/)
  })

  it('draws one curve a line without smoothing', () => {
    expect(lineChartConfig(options).data.datasets.map((d) => d.label)).toEqual(['batch', 'train', 'val'])
  })
})

describe('numbers on the axes', () => {
  it('writes a diverged loss with a short exponent', () => {
    expect(tickText(21_340_799_247, 'loss')).toBe('2.13e10')
    expect(tickText(2e10, 'loss')).toBe('2e10')
    expect(tickText(0.25, 'loss')).toBe('0.25')
    expect(valueText(21_340_799_247, 'loss')).toBe('2.134e10')
    expect(tickText(0.975, 'accuracy')).toBe('97.5%')
  })
})
