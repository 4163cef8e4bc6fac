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
} from 'chart.js'
import type { ThemeColors } from '../composables/use-theme-colors'
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
  /** Font size of ticks and legend, larger for exported images. */
  fontSize?: number
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

/** An axis tick: accuracy as a percentage with at most one decimal, loss to three digits. */
export function tickText(value: number, y: LineChartOptions['y']): string {
  if (y === 'accuracy') return `${Math.round(value * 1000) / 10}%`
  return String(Number(value.toPrecision(3)))
}

/** A value in a tooltip, more precise than a tick. */
export function valueText(value: number, y: LineChartOptions['y']): string {
  return y === 'accuracy' ? `${(value * 100).toFixed(2)}%` : value.toPrecision(4)
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
 * Where the y axis should end so the epochs are readable: once two epochs have finished, the
 * steep first epoch of the per-batch curve no longer sets the scale (it runs off the edge), as
 * TensorBoard's "ignore outliers" does. Null while everything should show.
 */
export function focusedRange(
  lines: readonly ChartLine[],
  y: LineChartOptions['y'],
): { min?: number; max?: number } | null {
  const epochValues = lines.filter((l) => l.kind !== 'batch').flatMap((l) => l.points.map((p) => p.y))
  if (lines.every((l) => l.kind === 'batch' || l.points.length < 2)) return null
  const later = lines
    .filter((l) => l.kind === 'batch')
    .flatMap((l) => l.points.filter((p) => p.x >= 1).map((p) => p.y))
  const values = [...epochValues, ...later].filter(Number.isFinite)
  if (!values.length) return null
  if (y === 'loss') return { max: niceCeil(Math.max(...values) * 1.1) }
  return { min: Math.max(0, Math.floor((Math.min(...values) - 0.01) * 50) / 50) }
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
    data: { datasets: options.lines.map((line) => dataset(line, colors)) },
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
          ...(options.logScale ? {} : (focusedRange(options.lines, y) ?? {})),
          ticks: { ...theme.text, maxTicksLimit: 7, callback: (value) => tickText(Number(value), y) },
        },
      },
      plugins: {
        legend: {
          position: 'top',
          align: 'end',
          labels: {
            ...theme.text,
            boxWidth: 8,
            boxHeight: 8,
            usePointStyle: true,
            pointStyle: 'circle',
          },
        },
        tooltip: {
          ...theme.tooltip,
          callbacks: {
            title: (items) => (items.length ? `Epoch ${Number(items[0].parsed.x).toFixed(2)}` : ''),
            label: (item) => `${item.dataset.label}: ${valueText(Number(item.parsed.y), y)}`,
          },
        },
      },
    },
  }
}

/** Apply new colours or a scale change to a live chart without re-creating it. */
export function restyle(chart: Chart<'line', Point[]>, options: LineChartOptions): void {
  const next = lineChartConfig(options)
  chart.options = next.options ?? {}
  chart.data.datasets.forEach((set, i) => {
    const fresh = next.data.datasets[i]
    if (fresh) Object.assign(set, { ...fresh, data: set.data })
  })
  chart.update('none')
}
