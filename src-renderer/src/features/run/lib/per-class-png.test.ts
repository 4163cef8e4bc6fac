// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { ChartDataset } from 'chart.js'
import type { EpochMetrics } from '@common/contract'
import { EXPORT_COLORS } from '../../../lib/charts-png'
import { epochs } from '../../../lib/run-record.fixtures'
import { perClassSeries } from './per-class'
import { perClassPanels, type ClassPanel } from './per-class-png'

/** One epoch whose class k has `correct[k]` of `total` images right. */
function counted(epoch: EpochMetrics, correct: number[], total = 1000): EpochMetrics {
  return { ...epoch, valPerClass: { correct, total: correct.map(() => total) } }
}

const WIDTH = 1800

/** Whether two panels share any pixel. */
const overlap = (a: ClassPanel, b: ClassPanel) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

const lineColour = (p: ClassPanel) => (p.chart.config.data.datasets[0] as ChartDataset<'line'>).borderColor

describe('perClassPanels', () => {
  it('lays ten classes out as the page does, two rows of five, and marks the lowest one alone', () => {
    const [first, second] = epochs([0.9, 0.95])
    const correct = [995, 990, 985, 980, 975, 970, 960, 989, 950, 940]
    correct[3] = 912
    const series = perClassSeries(
      [
        counted(
          first,
          correct.map((c) => c - 30),
        ),
        counted(second, correct),
      ],
      ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    )!
    const layout = perClassPanels(series, 5, WIDTH)
    expect([layout.columns, layout.rows]).toEqual([5, 2])
    // Heading 44, two rows of 124 with a gap of 10 between, 20 below.
    expect(layout.height).toBe(44 + 124 + 10 + 124 + 20)
    expect(layout.panels.map((p) => [p.x, p.y])).toEqual(
      Array.from({ length: 10 }, (_, k) => [
        24 + (k % 5) * (layout.panels[0].width + 10),
        44 + Math.floor(k / 5) * 134,
      ]),
    )
    // The last column ends at the image's right margin (to the pixel), as the first starts at the left one.
    const right = layout.panels[4].x + layout.panels[4].width
    expect(right).toBeLessThanOrEqual(WIDTH - 24)
    expect(right).toBeGreaterThan(WIDTH - 24 - 5)
    expect(layout.panels.every((p) => Number.isInteger(p.x) && Number.isInteger(p.width))).toBe(true)
    expect(layout.panels[7].title).toBe('7 · 98.90%')
    expect(layout.panels.filter((p) => p.worst).map((p) => p.title)).toEqual(['3 · 91.20%'])
    expect(layout.panels.map(lineColour)).toEqual(
      layout.panels.map((_, k) => (k === 3 ? EXPORT_COLORS.danger : EXPORT_COLORS.val)),
    )
    // Every small chart on the same floor (the lowest point, 88.2% at epoch 1, rounded down).
    const floors = layout.panels.map((p) => (p.chart.config.options?.scales?.y as { min: number }).min)
    expect(new Set(floors)).toEqual(new Set([0.85]))
    // Each chart sits inside its panel, below the caption.
    for (const p of layout.panels) {
      expect(p.chart.x).toBeGreaterThan(p.x)
      expect(p.chart.y).toBeGreaterThanOrEqual(p.y + 20)
      expect(p.chart.x + p.chart.width).toBeLessThan(p.x + p.width)
      expect(p.chart.y + p.chart.height).toBeLessThan(p.y + p.height)
    }
  })

  it('wraps a hundred classes in rows of eight, panels still large enough to read', () => {
    const [first] = epochs([0.5])
    const correct = Array.from({ length: 100 }, (_, k) => 400 + ((k * 37) % 500))
    const names = Array.from({ length: 100 }, (_, k) => `class_${k}`)
    const layout = perClassPanels(perClassSeries([counted(first, correct)], names)!, 1, WIDTH)
    expect([layout.columns, layout.rows]).toEqual([8, 13])
    expect(layout.height).toBe(44 + 13 * 134 - 10 + 20)
    expect(layout.panels.at(-1)!.y + layout.panels.at(-1)!.height).toBe(layout.height - 20)
    // About 200 by 96 CSS pixels a chart (twice that in the image): the curve and ticks stay legible.
    expect(layout.panels[0].chart.width).toBeGreaterThan(190)
    expect(layout.panels[0].chart.height).toBeGreaterThan(90)
    for (const [k, a] of layout.panels.entries())
      for (const b of layout.panels.slice(k + 1)) expect(overlap(a, b), `${a.name} and ${b.name}`).toBe(false)
    // The lowest class is the first with the lowest figure: 400 of 1000 right.
    expect(layout.panels.filter((p) => p.worst).map((p) => p.title)).toEqual(['class_0 · 40.00%'])
  })

  it('titles a class without validation images with a dash', () => {
    const [first] = epochs([0.5])
    const series = perClassSeries(
      [{ ...first, valPerClass: { correct: [5, 0], total: [10, 0] } }],
      ['a', 'b'],
    )!
    const layout = perClassPanels(series, 3, WIDTH)
    expect(layout.panels.map((p) => [p.title, p.worst])).toEqual([
      ['a · 50.00%', true],
      ['b · —', false],
    ])
    expect([layout.columns, layout.rows]).toEqual([2, 1])
  })
})
