/**
 * The overlaid curves of a comparison: which lines (validation solid, training dashed, one
 * colour per run), on which x axis (epoch or wall time), and the chart.js configuration that
 * draws them, on screen and in the exported PNG. Which line a click hit is decided here too.
 */
import type { ChartConfiguration, ChartDataset } from 'chart.js'
import {
  baseOptions,
  chartTheme,
  isRawCurve,
  niceCeil,
  outlierFreeBounds,
  RAW_SUFFIX,
  smoothedDatasets,
  tickText,
  tooltipLabel,
} from '../../../lib/chart-config'
import { smooth } from '../../../lib/chart-scale'
import type { ThemeColors } from '../../../composables/use-theme-colors'
import { slotColor } from './compare-colors'
import { withAlpha } from '../../../lib/color'
import type { ComparedRun } from './compare-runs'
import type { Point } from '../../../lib/run-series'

export type CompareMetric = 'accuracy' | 'loss'
export type CompareXAxis = 'epoch' | 'time'
export type CompareShow = 'val' | 'train' | 'both'

export interface CompareLine {
  runId: string
  /** "lr 1e-3 · validation" */
  label: string
  kind: 'val' | 'train'
  slot: number
  points: Point[]
}

/** The unit wall time is shown in, chosen so the numbers stay short. */
export interface TimeUnit {
  symbol: 's' | 'min' | 'h'
  ms: number
}

/** Seconds up to two minutes, minutes up to two hours, hours beyond. */
export function timeUnit(maxMs: number): TimeUnit {
  if (maxMs <= 120_000) return { symbol: 's', ms: 1000 }
  if (maxMs <= 7_200_000) return { symbol: 'min', ms: 60_000 }
  return { symbol: 'h', ms: 3_600_000 }
}

/** Where the x axis ends: the most epochs planned, or the longest run's wall time. */
export function xExtent(
  runs: readonly Pick<ComparedRun, 'record' | 'metrics'>[],
  axis: CompareXAxis,
): number {
  if (axis === 'epoch')
    return Math.max(1, ...runs.map((r) => Math.max(r.record.config.epochs, r.metrics.at(-1)?.epoch ?? 0)))
  return Math.max(0, ...runs.map((r) => r.metrics.at(-1)?.elapsedMs ?? 0))
}

/** The lines of one chart. */
export function compareLines(
  runs: readonly Pick<ComparedRun, 'id' | 'label' | 'slot' | 'metrics'>[],
  metric: CompareMetric,
  axis: CompareXAxis,
  show: CompareShow,
  unit: TimeUnit = timeUnit(Math.max(0, ...runs.map((r) => r.metrics.at(-1)?.elapsedMs ?? 0))),
): CompareLine[] {
  const kinds: ('val' | 'train')[] = show === 'both' ? ['val', 'train'] : [show]
  return kinds.flatMap((kind) =>
    runs.map((run) => ({
      runId: run.id,
      label: `${run.label} · ${kind === 'val' ? 'validation' : 'training'}`,
      kind,
      slot: run.slot,
      points: run.metrics.flatMap((m) => {
        const y =
          metric === 'accuracy'
            ? kind === 'val'
              ? m.valAccuracy
              : m.trainAccuracy
            : kind === 'val'
              ? m.valLoss
              : m.trainLoss
        if (!Number.isFinite(y)) return []
        return [{ x: axis === 'epoch' ? m.epoch : m.elapsedMs / unit.ms, y }]
      }),
    })),
  )
}

export interface CompareChartOptions {
  lines: CompareLine[]
  metric: CompareMetric
  axis: CompareXAxis
  /** The x axis's end: epochs, or milliseconds of wall time. */
  extent: number
  unit: TimeUnit
  colors: ThemeColors
  /** The run drawn strong while the others fade; null for none. */
  highlighted: string | null
  logScale?: boolean
  /** Moving-average weight every curve is drawn with (0: raw), the raw curve faint behind. */
  smoothing?: number
  /** The y axis spans the bulk of the curves: a diverged run runs off it instead of squashing the rest. */
  ignoreOutliers?: boolean
  fontSize?: number
  fontFamily: string
}

/**
 * What the page shows of the curves: the horizontal axis, which curves, a log loss scale, their
 * smoothing, and whether outliers set the scale.
 */
export interface CompareView {
  axis: CompareXAxis
  show: CompareShow
  logScale: boolean
  smoothing: number
  ignoreOutliers: boolean
}

/** The lines and axes of one chart of `runs` as `view` shows them (the page's and the PNG's). */
export function compareChartData(
  runs: readonly ComparedRun[],
  metric: CompareMetric,
  view: CompareView,
): Pick<
  CompareChartOptions,
  'lines' | 'metric' | 'axis' | 'extent' | 'unit' | 'logScale' | 'smoothing' | 'ignoreOutliers'
> {
  const unit = timeUnit(xExtent(runs, 'time'))
  return {
    lines: compareLines(runs, metric, view.axis, view.show, unit),
    metric,
    axis: view.axis,
    extent: xExtent(runs, view.axis),
    unit,
    logScale: metric === 'loss' && view.logScale,
    smoothing: view.smoothing,
    ignoreOutliers: view.ignoreOutliers,
  }
}

/** The line a dataset of a comparison chart draws (its raw curve or its smoothed one). */
export function lineOfDataset(
  lines: readonly CompareLine[],
  set: { label?: string } | undefined,
): CompareLine | null {
  const label = set && isRawCurve(set) ? set.label?.slice(0, -RAW_SUFFIX.length) : set?.label
  return lines.find((line) => line.label === label) ?? null
}

/** The colour a line is drawn in, faded when another run is highlighted. */
export function lineColor(
  line: Pick<CompareLine, 'runId' | 'slot'>,
  options: Pick<CompareChartOptions, 'colors' | 'highlighted'>,
): string {
  const color = slotColor(line.slot, options.colors.surface)
  return options.highlighted && options.highlighted !== line.runId ? withAlpha(color, 0.16) : color
}

function dataset(line: CompareLine, options: CompareChartOptions): ChartDataset<'line', Point[]> {
  const color = lineColor(line, options)
  const strong = options.highlighted === line.runId
  const val = line.kind === 'val'
  return {
    label: line.label,
    data: line.points,
    borderColor: color,
    backgroundColor: color,
    borderWidth: (val ? 2.25 : 1.75) + (strong ? 1.25 : 0),
    borderDash: val ? [] : [6, 4],
    pointRadius: val ? 3 : 2,
    pointStyle: val ? 'circle' : 'rect',
    pointHoverRadius: 5,
    pointHitRadius: 8,
    tension: 0,
    // Highlighted lines on top; validation above training.
    order: (strong ? 0 : 2) + (val ? 0 : 1),
  }
}

/** The configuration of one comparison chart. */
export function compareChartConfig(options: CompareChartOptions): ChartConfiguration<'line', Point[]> {
  const { colors, metric, axis, unit } = options
  const font = { size: options.fontSize ?? 11, family: options.fontFamily }
  const epochs = Math.max(1, Math.round(options.extent))
  const max = axis === 'epoch' ? epochs : niceCeil(Math.max(options.extent / unit.ms, 1e-3))
  const theme = chartTheme(colors, font)
  const smoothing = options.smoothing ?? 0
  const bounds = options.ignoreOutliers
    ? outlierFreeBounds(
        options.lines.map((line) => smooth(line.points, smoothing)),
        metric,
        options.logScale ?? false,
      )
    : {}
  return {
    type: 'line',
    data: { datasets: options.lines.flatMap((line) => smoothedDatasets(dataset(line, options), smoothing)) },
    options: {
      ...baseOptions,
      interaction: axis === 'epoch' ? { mode: 'x', intersect: false } : { mode: 'nearest', intersect: false },
      ...theme.text,
      scales: {
        x: {
          ...theme.x,
          type: 'linear',
          min: axis === 'epoch' ? (epochs <= 1 ? 0 : 1) : 0,
          max,
          title: {
            display: true,
            text: axis === 'epoch' ? 'Epoch' : `Wall time (${unit.symbol})`,
            ...theme.text,
          },
          ticks: {
            ...theme.text,
            precision: axis === 'epoch' ? 0 : undefined,
            stepSize: axis === 'epoch' && epochs <= 12 ? 1 : undefined,
            maxTicksLimit: 13,
          },
        },
        y: {
          ...theme.y,
          type: options.logScale && metric === 'loss' ? 'logarithmic' : 'linear',
          ...(metric === 'accuracy' ? { max: 1 } : {}),
          ...bounds,
          ticks: { ...theme.text, maxTicksLimit: 7, callback: (value) => tickText(Number(value), metric) },
        },
      },
      plugins: {
        // The legend is drawn by the page (one entry per run, clickable) and by the PNG export.
        legend: { display: false },
        tooltip: {
          ...theme.tooltip,
          filter: (item) => !isRawCurve(item.dataset),
          usePointStyle: true,
          itemSort: (a, b) => Number(b.parsed.y) - Number(a.parsed.y),
          callbacks: {
            title: (items) =>
              items.length === 0
                ? ''
                : axis === 'epoch'
                  ? `Epoch ${items[0].parsed.x}`
                  : `${Number(items[0].parsed.x).toPrecision(3)} ${unit.symbol}`,
            label: (item) => tooltipLabel(item, metric),
          },
        },
      },
    },
  }
}

/** Distance from point `p` to the segment `a`-`b`, in the same (pixel) units. */
export function segmentDistance(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x
  const dy = b.y - a.y
  const length2 = dx * dx + dy * dy
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2))
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy))
}

/** Index of the polyline passing nearest to `p` within `maxDistance` pixels, or -1. */
export function nearestPolyline(
  polylines: readonly (readonly Point[])[],
  p: Point,
  maxDistance = 10,
): number {
  let found = -1
  let nearest = maxDistance
  polylines.forEach((points, index) => {
    for (let i = 0; i < points.length; i++) {
      const d = segmentDistance(p, points[i], points[Math.min(i + 1, points.length - 1)])
      if (d <= nearest) {
        nearest = d
        found = index
      }
    }
  })
  return found
}
