/**
 * A run's loss and accuracy charts as one PNG, titled with the run's name and result, and below
 * them its per-class validation accuracy where its epochs counted it.
 */
import type { EpochMetrics, RunRecord } from '@common/contract'
import { formatPercent } from '@common/format'
import { classNamesOf } from '@common/summary'
import { lineChartConfig } from '../../../lib/chart-config'
import { chartsPng, EXPORT_COLORS } from '../../../lib/charts-png'
import { accuracyLines, lossLines } from './run-charts'
import { perClassSeries } from './per-class'
import { perClassSection } from './per-class-png'
import type { RunSeries } from '../../../lib/run-series'

const CHART_WIDTH = 900

/** The PNG of a run's two charts side by side, its per-class small multiples below them. */
export function runChartsPng(
  record: RunRecord,
  series: RunSeries,
  metrics: readonly EpochMetrics[],
): Promise<Blob> {
  const epochs = record.config.epochs
  const colors = EXPORT_COLORS
  const perClass = perClassSeries(metrics, classNamesOf(record))
  return chartsPng({
    charts: [
      lineChartConfig({ lines: lossLines(series), colors, y: 'loss', epochs, fontSize: 13 }),
      lineChartConfig({ lines: accuracyLines(series), colors, y: 'accuracy', epochs, fontSize: 13 }),
    ],
    chartWidth: CHART_WIDTH,
    chartHeight: 520,
    headerHeight: 64,
    drawHeader(ctx, family) {
      ctx.fillStyle = colors.text
      ctx.font = `600 18px ${family}`
      ctx.fillText(record.name, 24, 32)
      ctx.fillStyle = colors.muted
      ctx.font = `13px ${family}`
      const best = record.summary
        ? `best validation accuracy ${formatPercent(record.summary.bestValAccuracy)}`
        : 'no epoch finished'
      const dataset = record.dataset?.title ?? record.config.dataset.kind
      ctx.fillText(`${dataset} · ${record.status} · ${best}`, 24, 52)
    },
    below: perClass
      ? perClassSection(perClass, {
          epochs,
          onTestSet: record.config.validationSplit === 0,
          width: CHART_WIDTH * 2,
        })
      : undefined,
  })
}
