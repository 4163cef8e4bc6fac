/**
 * The comparison's curves as one PNG: the headline, a legend of the runs, and the accuracy and
 * loss charts side by side, drawn off screen in the light theme's colours on white.
 */
import type { ChartConfiguration } from 'chart.js'
import { chartsPng, EXPORT_COLORS, exportFontFamily } from '../../../lib/charts-png'
import { slotColor } from './compare-colors'
import { compareChartConfig, compareChartData, type CompareMetric, type CompareView } from './compare-charts'
import type { ComparedRun } from './compare-runs'

const CHART_WIDTH = 900
const HEADER_HEIGHT = 112

export interface ComparisonPngOptions extends CompareView {
  runs: readonly ComparedRun[]
  /** The headline sentence, written above the charts. */
  headline: string
}

/** One chart's configuration as exported. */
function exportConfig(options: ComparisonPngOptions, metric: CompareMetric): ChartConfiguration {
  return compareChartConfig({
    ...compareChartData(options.runs, metric, options),
    colors: EXPORT_COLORS,
    highlighted: null,
    fontSize: 13,
    fontFamily: exportFontFamily(),
  }) as ChartConfiguration
}

/** Title, headline and a legend: a line sample in each run's colour, then its name. */
function drawHeader(options: ComparisonPngOptions, ctx: CanvasRenderingContext2D, family: string): void {
  ctx.fillStyle = EXPORT_COLORS.text
  ctx.font = `600 18px ${family}`
  ctx.fillText(`Comparison of ${options.runs.length} runs`, 24, 32)
  ctx.font = `14px ${family}`
  ctx.fillText(options.headline, 24, 56, CHART_WIDTH * 2 - 48)
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
}

/** The PNG of the comparison's two charts with a title, the headline and a legend. */
export function comparisonChartsPng(options: ComparisonPngOptions): Promise<Blob> {
  return chartsPng({
    charts: [exportConfig(options, 'accuracy'), exportConfig(options, 'loss')],
    chartWidth: CHART_WIDTH,
    chartHeight: 500,
    headerHeight: HEADER_HEIGHT,
    drawHeader: (ctx, family) => drawHeader(options, ctx, family),
  })
}
