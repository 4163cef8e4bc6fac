/**
 * A run's loss and accuracy charts as one PNG, drawn off screen on a white background (the
 * colours of the light theme), with the run's name and result as a title. Works from any view:
 * it needs the run's points, not the charts on the page.
 */
import type { RunRecord } from '../../../src-main/api/contract'
import type { ThemeColors } from '../composables/useThemeColors'
import { Chart, lineChartConfig, type ChartLine, type LineChartOptions } from './chartConfig'
import { formatPercent } from './format'
import { accuracyLines, lossLines } from './runCharts'
import type { RunSeries } from './runSeries'

const EXPORT_COLORS: ThemeColors = {
  text: '#15181e',
  muted: '#5b6170',
  grid: 'rgba(20, 24, 32, 0.08)',
  surface: '#ffffff',
  train: '#2f6fe4',
  val: '#e8711a',
  batch: 'rgba(47, 111, 228, 0.5)',
}
const CHART_WIDTH = 900
const CHART_HEIGHT = 520
const TITLE_HEIGHT = 64
const SCALE = 2

function drawChart(lines: ChartLine[], y: LineChartOptions['y'], epochs: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas')
  canvas.width = CHART_WIDTH * SCALE
  canvas.height = CHART_HEIGHT * SCALE
  const config = lineChartConfig({ lines, colors: EXPORT_COLORS, y, epochs, fontSize: 13 })
  config.options = { ...config.options, responsive: false, devicePixelRatio: SCALE }
  const chart = new Chart(canvas, config)
  chart.update('none')
  chart.destroy()
  return canvas
}

/** The PNG of a run's two charts side by side. */
export async function runChartsPng(record: RunRecord, series: RunSeries): Promise<Blob> {
  const epochs = record.config.epochs
  const loss = drawChart(lossLines(series), 'loss', epochs)
  const accuracy = drawChart(accuracyLines(series), 'accuracy', epochs)
  const out = document.createElement('canvas')
  out.width = CHART_WIDTH * 2 * SCALE
  out.height = (CHART_HEIGHT + TITLE_HEIGHT) * SCALE
  const ctx = out.getContext('2d')
  if (!ctx) throw new Error('This browser cannot draw on a canvas.')
  ctx.fillStyle = EXPORT_COLORS.surface
  ctx.fillRect(0, 0, out.width, out.height)
  ctx.scale(SCALE, SCALE)
  const family = getComputedStyle(document.body).fontFamily
  ctx.fillStyle = EXPORT_COLORS.text
  ctx.font = `600 18px ${family}`
  ctx.fillText(record.name, 24, 32)
  ctx.fillStyle = EXPORT_COLORS.muted
  ctx.font = `13px ${family}`
  const best = record.summary
    ? `best validation accuracy ${formatPercent(record.summary.bestValAccuracy)}`
    : 'no epoch finished'
  ctx.fillText(`${record.dataset?.title ?? record.config.dataset.kind} · ${record.status} · ${best}`, 24, 52)
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.drawImage(loss, 0, TITLE_HEIGHT * SCALE)
  ctx.drawImage(accuracy, CHART_WIDTH * SCALE, TITLE_HEIGHT * SCALE)
  return new Promise((resolve, reject) =>
    out.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The charts could not be encoded as PNG.'))),
      'image/png',
    ),
  )
}
