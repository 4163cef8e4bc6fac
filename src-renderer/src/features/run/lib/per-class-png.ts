/**
 * A run's per-class validation accuracy as the section below its exported charts: the page's
 * small multiples (one chart a class, one shared floor, the lowest class in the danger colour),
 * in rows as wide as the image, each panel titled with its class and latest figure.
 */
import type { ChartConfiguration } from 'chart.js'
import { formatPercent } from '@common/format'
import type { ChartsPngSection, PlacedChart } from '../../../lib/charts-png'
import { EXPORT_COLORS } from '../../../lib/charts-png'
import { withAlpha } from '../../../lib/color'
import { perClassColumns, type PerClassSeries } from './per-class'
import { classChartConfig } from './per-class-chart'

/** Room, in CSS pixels: the image's side margin (as the header's), the heading, between panels. */
const MARGIN = 24
const HEADING = 44
const GAP = 10
const PANEL_HEIGHT = 124
const CAPTION = 24
const BOTTOM = 20

/** One class's panel: where it sits, its title, whether it is the lowest, and its chart. */
export interface ClassPanel {
  x: number
  y: number
  width: number
  height: number
  name: string
  /** The class's name and latest figure: `7 · 98.90%`. */
  title: string
  worst: boolean
  chart: PlacedChart
}

export interface PerClassPanels {
  columns: number
  rows: number
  /** The section's height in CSS pixels, heading and bottom margin included. */
  height: number
  panels: ClassPanel[]
}

/** The panels of `series` in rows across `width` CSS pixels, as many a row as the page shows. */
export function perClassPanels(series: PerClassSeries, epochs: number, width: number): PerClassPanels {
  const count = series.classes.length
  const columns = perClassColumns(count)
  const rows = Math.ceil(count / columns)
  // Whole CSS pixels: frames drawn on them stay crisp, and charts are drawn at their size.
  const panelWidth = Math.floor((width - 2 * MARGIN - (columns - 1) * GAP) / columns)
  const panels = series.classes.map((c, k): ClassPanel => {
    const x = MARGIN + (k % columns) * (panelWidth + GAP)
    const y = HEADING + Math.floor(k / columns) * (PANEL_HEIGHT + GAP)
    const worst = k === series.worst
    const config = classChartConfig({ series: c, colors: EXPORT_COLORS, worst, floor: series.floor, epochs })
    return {
      x,
      y,
      width: panelWidth,
      height: PANEL_HEIGHT,
      name: c.name,
      title: `${c.name} · ${formatPercent(c.latest?.accuracy)}`,
      worst,
      chart: {
        config: config as ChartConfiguration,
        x: x + 4,
        y: y + CAPTION,
        width: panelWidth - 8,
        height: PANEL_HEIGHT - CAPTION - 4,
      },
    }
  })
  return { columns, rows, height: HEADING + rows * (PANEL_HEIGHT + GAP) - GAP + BOTTOM, panels }
}

/**
 * A panel's title as fits `maxWidth` in the context's current font: whole, or its class name cut
 * with an ellipsis so that the figure still shows.
 */
function fittedTitle(ctx: CanvasRenderingContext2D, panel: ClassPanel, maxWidth: number): string {
  if (ctx.measureText(panel.title).width <= maxWidth) return panel.title
  const figure = panel.title.slice(panel.name.length)
  let end = panel.name.length
  while (end > 1 && ctx.measureText(`${panel.name.slice(0, end)}…${figure}`).width > maxWidth) end--
  return `${panel.name.slice(0, end)}…${figure}`
}

export interface PerClassSectionOptions {
  /** The run's planned epochs: each small chart spans them all, as on the page. */
  epochs: number
  /** Whether the run validated on the test set, which the heading then says. */
  onTestSet: boolean
  /** The image's width in CSS pixels. */
  width: number
}

/** The section of an exported run image that holds `series`'s small multiples. */
export function perClassSection(series: PerClassSeries, options: PerClassSectionOptions): ChartsPngSection {
  const { panels, height } = perClassPanels(series, options.epochs, options.width)
  const colors = EXPORT_COLORS
  return {
    height,
    charts: panels.map((p) => p.chart),
    draw(ctx, family) {
      ctx.fillStyle = colors.text
      ctx.font = `600 15px ${family}`
      const heading = `Per-class validation accuracy${options.onTestSet ? ' (on the test set)' : ''}`
      ctx.fillText(heading, MARGIN, 26)
      const after = MARGIN + ctx.measureText(heading).width + 16
      ctx.fillStyle = colors.muted
      ctx.font = `12px ${family}`
      const floor = formatPercent(series.floor, 0)
      ctx.fillText(`after epoch ${series.lastEpoch} · every class on one scale, ${floor} to 100%`, after, 26)
      for (const p of panels) drawPanel(ctx, p, family)
    },
  }
}

/** A panel's frame and caption; the lowest class's in the danger colour, tagged "lowest". */
function drawPanel(ctx: CanvasRenderingContext2D, panel: ClassPanel, family: string): void {
  const colors = EXPORT_COLORS
  if (panel.worst) {
    ctx.fillStyle = withAlpha(colors.danger, 0.09)
    ctx.fillRect(panel.x, panel.y, panel.width, panel.height)
  }
  ctx.strokeStyle = panel.worst ? colors.danger : withAlpha(colors.muted, 0.3)
  ctx.lineWidth = 1
  ctx.strokeRect(panel.x + 0.5, panel.y + 0.5, panel.width - 1, panel.height - 1)
  let room = panel.width - 16
  if (panel.worst) {
    ctx.fillStyle = colors.danger
    ctx.font = `600 11px ${family}`
    const tag = 'lowest'
    const tagWidth = ctx.measureText(tag).width
    ctx.fillText(tag, panel.x + panel.width - 8 - tagWidth, panel.y + 17)
    room -= tagWidth + 8
  }
  ctx.fillStyle = panel.worst ? colors.danger : colors.text
  ctx.font = `${panel.worst ? 600 : 500} 13px ${family}`
  ctx.fillText(fittedTitle(ctx, panel, room), panel.x + 8, panel.y + 17)
}
