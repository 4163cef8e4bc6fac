/**
 * chart.js set up once (only the parts used, so the bundle stays small) and the one line-chart
 * configuration every chart of the app uses, live or exported.
 */
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type TooltipItem,
} from 'chart.js'
import type { ThemeColors } from '../composables/use-theme-colors'
import { withAlpha } from './color'
import { robustRange, smooth } from './chart-scale'
import { formatSignificant } from './format'
import type { Point } from './run-series'

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip)

export { Chart }

export type LineKind = 'batch' | 'train' | 'val'

/** One line of a chart: per-batch samples drawn thin, per-epoch values with points. */
export interface ChartLine {
  label: string
  kind: LineKind
  points: Point[]
}

export interface LineChartOptions {
  lines: ChartLine[]
  colors: ThemeColors
  /** How the y axis reads. */
  y: 'loss' | 'accuracy'
  /** The planned number of epochs: the x axis spans the whole run from the start. */
  epochs: number
  logScale?: boolean
  /**
   * Weight of the moving average the per-batch curves are drawn with, 0 (raw) to 0.99, as
   * TensorBoard's smoothing slider; the raw curve stays behind, faint. Per-epoch lines are means
   * already and are drawn as they are.
   */
  smoothing?: number
  /** The y axis spans the bulk of the values, not every outlier (TensorBoard's "ignore outliers"). */
  ignoreOutliers?: boolean
  /** Font size of ticks and legend, larger for exported images. */
  fontSize?: number
}

/** The end of a raw curve's label, drawn faint behind its smoothed curve; legends leave it out. */
export const RAW_SUFFIX = ' (raw)'

/** Whether a dataset is the faint raw curve behind a smoothed one. */
export function isRawCurve(set: { label?: string }): boolean {
  return set.label?.endsWith(RAW_SUFFIX) ?? false
}

/**
 * A line drawn as `set`, smoothed by `weight`: the raw curve faint and thin behind (its points
 * faint too), then the smoothed curve in the line's own style. Unsmoothed: `set` alone.
 */
export function smoothedDatasets(
  set: ChartDataset<'line', Point[]>,
  weight: number,
): ChartDataset<'line', Point[]>[] {
  if (!(weight > 0)) return [set]
  const faint = (color: unknown) => (typeof color === 'string' ? withAlpha(color, 0.22) : color)
  const raw = {
    ...set,
    label: `${set.label}${RAW_SUFFIX}`,
    borderColor: faint(set.borderColor),
    backgroundColor: faint(set.backgroundColor),
    borderWidth: 1,
    order: 10,
  } as ChartDataset<'line', Point[]>
  return [raw, { ...set, data: smooth(set.data, weight), pointRadius: 0, pointHoverRadius: 3 }]
}

/**
 * A tooltip line: the drawn value, and beside a smoothed curve's value its raw one (the dataset
 * before it) at the same point.
 */
export function tooltipLabel(item: TooltipItem<'line'>, y: LineChartOptions['y']): string {
  const text = `${item.dataset.label}: ${valueText(Number(item.parsed.y), y)}`
  const before = item.chart.data.datasets[item.datasetIndex - 1]
  if (!before || !isRawCurve(before)) return text
  const raw = (before.data[item.dataIndex] as Point | undefined)?.y
  return raw === undefined ? text : `${text} (smoothed; raw ${valueText(raw, y)})`
}

function dataset(line: ChartLine, colors: ThemeColors): ChartDataset<'line', Point[]> {
  const color = line.kind === 'batch' ? colors.batch : line.kind === 'train' ? colors.train : colors.val
  const perEpoch = line.kind !== 'batch'
  return {
    label: line.label,
    data: line.points,
    borderColor: color,
    backgroundColor: color,
    borderWidth: perEpoch ? 2 : 1.5,
    // A per-batch curve is a bare line, but its very first sample needs a dot to be seen at all.
    pointRadius: perEpoch ? 3 : (context) => (context.dataset.data.length === 1 ? 2.5 : 0),
    pointHoverRadius: perEpoch ? 5 : 3,
    pointHitRadius: perEpoch ? 6 : 2,
    tension: 0,
    order: perEpoch ? 0 : 1,
    // Let the points of the last epoch show whole at the right edge.
    clip: perEpoch ? 8 : 0,
  }
}

/** An axis tick: accuracy as a percentage with at most one decimal, loss to three digits (`2.1e10`). */
export function tickText(value: number, y: LineChartOptions['y']): string {
  if (y === 'accuracy') return `${Math.round(value * 1000) / 10}%`
  return formatSignificant(value, 3)
}

/** A value in a tooltip, more precise than a tick. */
export function valueText(value: number, y: LineChartOptions['y']): string {
  return y === 'accuracy' ? `${(value * 100).toFixed(2)}%` : formatSignificant(value, 4)
}

/** Options every line chart shares: drawn at once, from points given as {x, y}, filling its box. */
export const baseOptions = {
  animation: false,
  parsing: false,
  normalized: true,
  responsive: true,
  maintainAspectRatio: false,
} as const

/**
 * The theme's look shared by every line chart: muted text, a faint grid, the y axis without its
 * line, a tooltip on the surface colour.
 */
export function chartTheme(colors: ThemeColors, font: { size: number; family: string }) {
  const text = { color: colors.muted, font }
  return {
    text,
    x: { grid: { color: colors.grid }, border: { color: colors.grid } },
    y: { grid: { color: colors.grid }, border: { display: false } },
    tooltip: {
      backgroundColor: colors.surface,
      titleColor: colors.text,
      bodyColor: colors.text,
      borderColor: colors.grid,
      borderWidth: 1,
      titleFont: font,
      bodyFont: font,
    },
  }
}

/**
 * The bounds of the y axis beyond its defaults. None unless outliers are ignored: then the axis
 * spans the bulk of the curves as drawn (smoothed where they are), and values beyond run off it.
 * Otherwise the axis reaches every value, whatever the epoch.
 */
export function yBounds(options: LineChartOptions): { min?: number; max?: number } {
  if (!options.ignoreOutliers) return {}
  const curves = options.lines.map((line) =>
    line.kind === 'batch' ? smooth(line.points, options.smoothing ?? 0) : line.points,
  )
  return outlierFreeBounds(curves, options.y, options.logScale ?? false)
}

/**
 * The y bounds that show the bulk of `curves` (`robustRange`): a loss axis keeps its floor and
 * ends above the bulk, an accuracy axis keeps its top (100%) and starts below it.
 */
export function outlierFreeBounds(
  curves: readonly (readonly Point[])[],
  y: LineChartOptions['y'],
  logScale: boolean,
): { min?: number; max?: number } {
  const range = robustRange(curves, y)
  if (!range) return {}
  if (y === 'accuracy') {
    // A floor on a round step of the span shown, so the lowest tick reads 0% or 90%, not 4%.
    const span = 1 - range.min
    const step = span > 0.5 ? 0.1 : span > 0.2 ? 0.05 : 0.02
    return { min: Math.max(0, Math.floor(range.min / step + 1e-9) * step) }
  }
  return { max: logScale ? range.max : niceCeil(range.max) }
}

/** `x` rounded up to a multiple of half its power of ten: 54 -> 55, 180 -> 200, 1.3 -> 1.5. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1
  const step = 10 ** Math.floor(Math.log10(x)) / 2
  return Number((Math.ceil(x / step - 1e-9) * step).toPrecision(12))
}

/** The configuration of a line chart over epochs. */
export function lineChartConfig(options: LineChartOptions): ChartConfiguration<'line', Point[]> {
  const { colors, y } = options
  const font = { size: options.fontSize ?? 11, family: getComputedStyle(document.body).fontFamily }
  const theme = chartTheme(colors, font)
  return {
    type: 'line',
    data: {
      datasets: options.lines.flatMap((line) =>
        smoothedDatasets(dataset(line, colors), line.kind === 'batch' ? (options.smoothing ?? 0) : 0),
      ),
    },
    options: {
      ...baseOptions,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      layout: { padding: { right: 6 } },
      ...theme.text,
      scales: {
        x: {
          ...theme.x,
          type: 'linear',
          min: 0,
          max: Math.max(1, options.epochs),
          title: { display: true, text: 'Epoch', ...theme.text },
          ticks: {
            ...theme.text,
            stepSize: options.epochs <= 1 ? 0.25 : options.epochs <= 12 ? 1 : undefined,
            maxTicksLimit: 13,
            callback: (value) => String(Number(Number(value).toFixed(2))),
          },
        },
        y: {
          ...theme.y,
          type: options.logScale && y === 'loss' ? 'logarithmic' : 'linear',
          // Accuracy never passes 100%; an empty chart shows a useful range, not 95-100%.
          ...(y === 'accuracy' ? { max: 1, suggestedMin: 0.5 } : options.logScale ? {} : { suggestedMin: 0 }),
          ...yBounds(options),
          ticks: { ...theme.text, maxTicksLimit: 7, callback: (value) => tickText(Number(value), y) },
        },
      },
      plugins: {
        legend: {
          position: 'top',
          align: 'end',
          labels: {
            ...theme.text,
            filter: (item) => !item.text.endsWith(RAW_SUFFIX),
            boxWidth: 8,
            boxHeight: 8,
            usePointStyle: true,
            pointStyle: 'circle',
          },
        },
        tooltip: {
          ...theme.tooltip,
          filter: (item) => !isRawCurve(item.dataset),
          callbacks: {
            title: (items) => (items.length ? `Epoch ${Number(items[0].parsed.x).toFixed(2)}` : ''),
            label: (item) => tooltipLabel(item, y),
          },
        },
      },
    },
  }
}

/**
 * Redraw a live chart from `options` without re-creating it: new colours, scale, smoothing, or
 * points added to its lines (smoothed curves and the outlier-free range are recomputed).
 */
export function redraw(chart: Chart<'line', Point[]>, options: LineChartOptions): void {
  applyConfig(chart, lineChartConfig(options))
}

/** Puts a new configuration's options and datasets into a live chart and redraws it at once. */
export function applyConfig(chart: Chart<'line', Point[]>, next: ChartConfiguration<'line', Point[]>): void {
  chart.options = next.options ?? {}
  chart.data.datasets = next.data.datasets
  chart.update('none')
}
