/**
 * The comparison's curves as one PNG: the headline, a legend of the runs, and the accuracy and
 * loss charts side by side, drawn off screen in the light theme's colours on white.
 */
import type { ThemeColors } from '../composables/useThemeColors'
import { Chart } from './chartConfig'
import { slotColor } from './compareColors'
import {
  compareChartConfig,
  compareLines,
  timeUnit,
  xExtent,
  type CompareMetric,
  type CompareShow,
  type CompareXAxis,
} from './compareCharts'
import type { ComparedRun } from './compareRuns'

const EXPORT_COLORS: ThemeColors = {
  text: '#15181e',
  muted: '#5b6170',
  grid: 'rgba(20, 24, 32, 0.08)',
  surface: '#ffffff',
  train: '#2f6fe4',
  val: '#e8711a',
  batch: 'rgba(47, 111, 228, 0.32)',
}
const CHART_WIDTH = 900
const CHART_HEIGHT = 500
const HEADER_HEIGHT = 112
const SCALE = 2

export interface ComparisonPngOptions {
  runs: readonly ComparedRun[]
  axis: CompareXAxis
  show: CompareShow
  logScale: boolean
  /** The headline sentence, written above the charts. */
  headline: string
}

/** Draw one chart onto `target` at (x, y) in device pixels. */
function drawChart(
  options: ComparisonPngOptions,
  metric: CompareMetric,
  fontFamily: string,
  target: CanvasRenderingContext2D,
  x: number,
  y: number,
): void {
  const canvas = document.createElement('canvas')
  // CSS-pixel size: chart.js multiplies it by devicePixelRatio itself.
  canvas.width = CHART_WIDTH
  canvas.height = CHART_HEIGHT
  const unit = timeUnit(xExtent(options.runs, 'time'))
  const config = compareChartConfig({
    lines: compareLines(options.runs, metric, options.axis, options.show, unit),
    metric,
    axis: options.axis,
    extent: xExtent(options.runs, options.axis),
    unit,
    colors: EXPORT_COLORS,
    highlighted: null,
    logScale: metric === 'loss' && options.logScale,
    fontSize: 13,
    fontFamily,
  })
  config.options = {
    ...config.options,
    responsive: false,
    devicePixelRatio: SCALE,
    layout: { padding: { left: 16, right: 20, top: 4, bottom: 8 } },
  }
  const chart = new Chart(canvas, config)
  chart.update('none')
  // Copy before destroying: destroy() clears the canvas.
  target.drawImage(canvas, x, y, CHART_WIDTH * SCALE, CHART_HEIGHT * SCALE)
  chart.destroy()
}

/** The PNG of the comparison's two charts with a title, the headline and a legend. */
export async function comparisonChartsPng(options: ComparisonPngOptions): Promise<Blob> {
  const family = getComputedStyle(document.body).fontFamily
  const out = document.createElement('canvas')
  out.width = CHART_WIDTH * 2 * SCALE
  out.height = (CHART_HEIGHT + HEADER_HEIGHT) * SCALE
  const ctx = out.getContext('2d')
  if (!ctx) throw new Error('This browser cannot draw on a canvas.')
  ctx.fillStyle = EXPORT_COLORS.surface
  ctx.fillRect(0, 0, out.width, out.height)
  ctx.scale(SCALE, SCALE)
  ctx.fillStyle = EXPORT_COLORS.text
  ctx.font = `600 18px ${family}`
  ctx.fillText(`Comparison of ${options.runs.length} runs`, 24, 32)
  ctx.font = `14px ${family}`
  ctx.fillText(options.headline, 24, 56, CHART_WIDTH * 2 - 48)
  // Legend: a line sample in each run's colour, then its name.
  let x = 24
  const y = 86
  ctx.font = `500 13px ${family}`
  for (const run of options.runs) {
    ctx.strokeStyle = slotColor(run.slot, EXPORT_COLORS.surface)
    ctx.lineWidth = 3
    ctx.beginPath()
    ctx.moveTo(x, y - 4)
    ctx.lineTo(x + 20, y - 4)
    ctx.stroke()
    ctx.fillStyle = EXPORT_COLORS.text
    ctx.fillText(run.label, x + 28, y)
    x += 28 + ctx.measureText(run.label).width + 24
  }
  if (options.show === 'both') {
    ctx.fillStyle = EXPORT_COLORS.muted
    ctx.font = `12px ${family}`
    ctx.fillText('solid: validation · dashed: training', x + 8, y)
  }
  ctx.fillStyle = EXPORT_COLORS.muted
  ctx.font = `600 13px ${family}`
  ctx.fillText('Accuracy', 24, HEADER_HEIGHT - 4)
  ctx.fillText('Loss', CHART_WIDTH + 24, HEADER_HEIGHT - 4)
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  drawChart(options, 'accuracy', family, ctx, 0, HEADER_HEIGHT * SCALE)
  drawChart(options, 'loss', family, ctx, CHART_WIDTH * SCALE, HEADER_HEIGHT * SCALE)
  return new Promise((resolve, reject) =>
    out.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The charts could not be encoded as PNG.'))),
      'image/png',
    ),
  )
}
