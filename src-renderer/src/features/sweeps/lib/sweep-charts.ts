/**
 * The chart.js configurations of a sweep's two line charts: the best value so far over the
 * trials, and every trial's metric over its epochs with the rungs drawn where trials are
 * compared and pruned trials ending in a cross.
 */
import type { ChartConfiguration, ChartDataset, ChartType, Plugin } from 'chart.js'
import { baseOptions, Chart, chartTheme } from '../../../lib/chart-config'
import type { ThemeColors } from '../../../composables/use-theme-colors'
import type { Point } from '../../../lib/run-series'
import type { BestSoFar } from './best-so-far'
import { formatMetric } from './sweep-parallel'

/** One trial's line in the curves chart. */
export interface TrialCurve {
  label: string
  points: Point[]
  color: string
  pruned: boolean
}

function font(size = 11) {
  return { size, family: getComputedStyle(document.body).fontFamily }
}

function yAxis(colors: ThemeColors, metric: string) {
  const theme = chartTheme(colors, font())
  return {
    ...theme.y,
    type: 'linear' as const,
    title: { display: true, text: metric, ...theme.text },
    ticks: {
      ...theme.text,
      maxTicksLimit: 7,
      callback: (v: number | string) => formatMetric(metric, Number(v)),
    },
  }
}

/** The best-so-far chart: each settled trial as a dot, the best up to it as a step line. */
export function bestSoFarConfig(
  series: BestSoFar,
  metric: string,
  trialCount: number,
  colors: ThemeColors,
): ChartConfiguration<'line', Point[]> {
  const theme = chartTheme(colors, font())
  return {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'Best so far',
          data: series.best,
          borderColor: colors.val,
          backgroundColor: colors.val,
          borderWidth: 2,
          stepped: 'after',
          pointRadius: 0,
          order: 1,
        },
        {
          label: 'Trial',
          data: series.trials,
          showLine: false,
          borderColor: colors.batch,
          backgroundColor: colors.batch,
          pointRadius: 4,
          pointHoverRadius: 6,
          order: 0,
        },
      ],
    },
    options: {
      ...baseOptions,
      ...theme.text,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: {
          ...theme.x,
          type: 'linear',
          min: 0.5,
          max: Math.max(1, trialCount) + 0.5,
          title: { display: true, text: 'Trial', ...theme.text },
          // One tick a trial (every fifth past 20), never between two.
          afterBuildTicks: (axis) => {
            const every = trialCount > 20 ? 5 : 1
            axis.ticks = Array.from({ length: trialCount }, (_, k) => ({ value: k + 1 })).filter(
              (t) => t.value === 1 || t.value % every === 0,
            )
          },
          ticks: { ...theme.text },
        },
        y: yAxis(colors, metric),
      },
      plugins: {
        legend: {
          position: 'top',
          align: 'end',
          labels: { ...theme.text, boxWidth: 8, boxHeight: 8, usePointStyle: true },
        },
        tooltip: {
          ...theme.tooltip,
          callbacks: {
            title: (items) => (items.length ? `Trial ${items[0].parsed.x}` : ''),
            label: (item) => `${item.dataset.label}: ${formatMetric(metric, Number(item.parsed.y))}`,
          },
        },
      },
    },
  }
}

interface RungOptions {
  epochs: readonly number[]
  color: string
}

declare module 'chart.js' {
  // Declaration merging needs chart.js's own type parameter, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType extends ChartType> {
    /** Epochs to mark with a dashed "rung" line (the sweep's trial curves). */
    rungs?: RungOptions
  }
}

/**
 * Dashed vertical lines at the rungs' epochs, each marked "rung". Registered once and read from
 * each chart's options, so a live chart can change its rungs (a chart's own plugins cannot).
 */
const rungLines: Plugin<'line', RungOptions> = {
  id: 'rungs',
  defaults: { epochs: [], color: '#888' },
  beforeDatasetsDraw(chart, _args, options) {
    if (!options.epochs.length) return
    const { ctx, chartArea, scales } = chart
    ctx.save()
    ctx.strokeStyle = options.color
    ctx.fillStyle = options.color
    ctx.setLineDash([4, 4])
    ctx.font = `10.5px ${font().family}`
    ctx.textAlign = 'center'
    for (const epoch of options.epochs) {
      const x = scales.x.getPixelForValue(epoch)
      ctx.beginPath()
      ctx.moveTo(x, chartArea.top + 12)
      ctx.lineTo(x, chartArea.bottom)
      ctx.stroke()
      ctx.fillText('rung', x, chartArea.top + 8)
    }
    ctx.restore()
  },
}
Chart.register(rungLines)

/** Every trial's metric per epoch; pruned trials dashed and ending in a cross, rungs as dashed lines. */
export function trialCurvesConfig(
  curves: readonly TrialCurve[],
  metric: string,
  epochs: number,
  rungs: readonly number[],
  colors: ThemeColors,
): ChartConfiguration<'line', Point[]> {
  const theme = chartTheme(colors, font())
  const datasets: ChartDataset<'line', Point[]>[] = curves.map((curve) => ({
    label: curve.label,
    data: curve.points,
    borderColor: curve.color,
    backgroundColor: curve.color,
    borderWidth: curve.pruned ? 1.5 : 2,
    borderDash: curve.pruned ? [5, 4] : [],
    pointStyle: (ctx) => (curve.pruned && ctx.dataIndex === curve.points.length - 1 ? 'crossRot' : 'circle'),
    pointRadius: (ctx) => (curve.pruned && ctx.dataIndex === curve.points.length - 1 ? 7 : 2.5),
    pointBorderWidth: (ctx) => (curve.pruned && ctx.dataIndex === curve.points.length - 1 ? 2.5 : 1),
    // The cross in the text's colour: a pruned trial's own colour is the ramp's faintest.
    pointBorderColor: (ctx) =>
      curve.pruned && ctx.dataIndex === curve.points.length - 1 ? colors.text : curve.color,
    tension: 0,
    clip: 8,
  }))
  return {
    type: 'line',
    data: { datasets },
    options: {
      ...baseOptions,
      ...theme.text,
      interaction: { mode: 'nearest', intersect: true },
      scales: {
        x: {
          ...theme.x,
          type: 'linear',
          min: 1,
          max: Math.max(2, epochs),
          title: { display: true, text: 'Epoch', ...theme.text },
          // Every epoch while they are few, as the run's charts do; about a dozen ticks past that.
          ticks: { ...theme.text, stepSize: epochs <= 12 ? 1 : undefined, precision: 0, maxTicksLimit: 13 },
        },
        y: yAxis(colors, metric),
      },
      plugins: {
        rungs: { epochs: rungs, color: colors.muted },
        legend: { display: false },
        tooltip: {
          ...theme.tooltip,
          callbacks: {
            title: (items) => (items.length ? `Epoch ${items[0].parsed.x}` : ''),
            label: (item) => `${item.dataset.label}: ${formatMetric(metric, Number(item.parsed.y))}`,
          },
        },
      },
    },
  }
}

/** Put a new configuration's data and options on a live chart, without re-creating it. */
export function reconfigure(
  chart: Chart<'line', Point[]>,
  config: ChartConfiguration<'line', Point[]>,
): void {
  chart.data.datasets = config.data.datasets
  chart.options = config.options ?? {}
  chart.update('none')
}
