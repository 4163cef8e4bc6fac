/**
 * Charts as one PNG, drawn off screen on white in the light theme's colours, below a header the
 * caller draws, and optionally above a section of smaller charts (a run's per-class figures).
 * Serves a run's export and the comparison's: it needs the charts' configurations, not the charts
 * on the page.
 */
import type { ChartConfiguration } from 'chart.js'
import type { ThemeColors } from '../composables/use-theme-colors'
import { Chart } from './chart-config'

/** The colours of exported charts: the light theme's, whatever theme shows. */
export const EXPORT_COLORS: ThemeColors = {
  text: '#15181e',
  muted: '#5b6170',
  grid: 'rgba(20, 24, 32, 0.08)',
  surface: '#ffffff',
  train: '#2f6fe4',
  val: '#e8711a',
  batch: 'rgba(47, 111, 228, 0.5)',
  danger: '#c02626',
}
/**
 * Room around each exported chart, in CSS pixels: its tick labels stay off the image's edge and
 * apart from the neighbouring chart's (chart.js puts them flush against its canvas's edge).
 */
export const EXPORT_PADDING = { left: 16, right: 24, top: 4, bottom: 8 }
/** Device pixels per CSS pixel of an exported image. */
const SCALE = 2

/** A chart at a place of its own, in CSS pixels from the top left of the section it is in. */
export interface PlacedChart {
  config: ChartConfiguration
  x: number
  y: number
  width: number
  height: number
}

/** A section below the side-by-side charts, as wide as they are together. */
export interface ChartsPngSection {
  height: number
  /** Draws what lies under the charts (backgrounds, captions) in CSS pixels from the section's top left. */
  draw: (ctx: CanvasRenderingContext2D, fontFamily: string) => void
  /** Drawn over that, each with its configuration's own padding (small charts need little). */
  charts: PlacedChart[]
}

export interface ChartsPngLayout {
  /** The charts, side by side in this order. */
  charts: ChartConfiguration[]
  /** The size of one chart, in CSS pixels (the image has twice as many device pixels). */
  chartWidth: number
  chartHeight: number
  headerHeight: number
  /** Draws the header in CSS pixels; `fontFamily` is the page's. */
  drawHeader: (ctx: CanvasRenderingContext2D, fontFamily: string) => void
  below?: ChartsPngSection
}

/** The page's font, for the text of an exported image and its charts. */
export function exportFontFamily(): string {
  return getComputedStyle(document.body).fontFamily
}

/**
 * Draw one chart onto `target` at (x, y) in device pixels, with `padding` around it or, without,
 * its configuration's own.
 */
function drawChart(
  config: ChartConfiguration,
  width: number,
  height: number,
  target: CanvasRenderingContext2D,
  x: number,
  y: number,
  padding?: typeof EXPORT_PADDING,
): void {
  const canvas = document.createElement('canvas')
  // CSS-pixel size: chart.js multiplies it by devicePixelRatio itself.
  canvas.width = width
  canvas.height = height
  const chart = new Chart(canvas, {
    ...config,
    options: {
      ...config.options,
      responsive: false,
      animation: false,
      devicePixelRatio: SCALE,
      layout: padding ? { padding } : config.options?.layout,
    },
  })
  chart.update('none')
  // Copy before destroying: destroy() clears the canvas.
  target.drawImage(canvas, x, y, width * SCALE, height * SCALE)
  chart.destroy()
}

/** The PNG of the header, the charts side by side below it, and the section below them if any. */
export async function chartsPng(layout: ChartsPngLayout): Promise<Blob> {
  const { charts, chartWidth, chartHeight, headerHeight, below } = layout
  const out = document.createElement('canvas')
  out.width = chartWidth * charts.length * SCALE
  out.height = (chartHeight + headerHeight + (below?.height ?? 0)) * SCALE
  const ctx = out.getContext('2d')
  if (!ctx) throw new Error('This browser cannot draw on a canvas.')
  ctx.fillStyle = EXPORT_COLORS.surface
  ctx.fillRect(0, 0, out.width, out.height)
  ctx.scale(SCALE, SCALE)
  layout.drawHeader(ctx, exportFontFamily())
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  charts.forEach((config, i) =>
    drawChart(
      config,
      chartWidth,
      chartHeight,
      ctx,
      i * chartWidth * SCALE,
      headerHeight * SCALE,
      EXPORT_PADDING,
    ),
  )
  if (below) {
    const top = headerHeight + chartHeight
    ctx.setTransform(SCALE, 0, 0, SCALE, 0, top * SCALE)
    below.draw(ctx, exportFontFamily())
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    for (const c of below.charts)
      drawChart(c.config, c.width, c.height, ctx, c.x * SCALE, (top + c.y) * SCALE)
  }
  return new Promise((resolve, reject) =>
    out.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The charts could not be encoded as PNG.'))),
      'image/png',
    ),
  )
}
