/**
 * The parallel-coordinates plot of a sweep: one vertical axis per searched parameter and one for
 * the sweep's metric, one line per trial that has a value, coloured by how good that value is
 * (for a loss, lower is better). Pure layout, like Compare's plot, whose axis scales it shares.
 */
import {
  axisScale,
  type AxisKind,
  type AxisSpec,
  type ParallelAxis,
  type ParallelBox,
} from '../../compare/lib/compare-parallel'
import type { MetricGoal } from './best-so-far'

/** A parameter value as a trial holds it. */
export type ParamValue = number | string | boolean | null

/** A trial as the plot sees it. */
export interface SweepPoint {
  id: string
  name: string
  params: Readonly<Record<string, ParamValue>>
  /** The sweep's metric for this trial, null while it has none. */
  metric: number | null
}

/** A searched parameter and how its axis is spaced. */
export interface SweepAxisParam {
  name: string
  kind: AxisKind
}

export interface SweepMetric {
  name: string
  goal: MetricGoal
}

export interface SweepParallelLine {
  id: string
  name: string
  points: { x: number; y: number | null }[]
  metric: number
  /** 0 for the worst trial shown, 1 for the best. */
  score: number
}

export interface SweepParallelLayout {
  axes: ParallelAxis[]
  lines: SweepParallelLine[]
  /** The worst and the best metric shown, in that order. */
  metricRange: [number, number]
}

/** How a metric reads on an axis: accuracy as a percentage, a loss to three digits. */
export function formatMetric(name: string, value: number): string {
  return /accuracy/.test(name) ? `${(value * 100).toFixed(1)}%` : String(Number(value.toPrecision(3)))
}

/** A parameter's value as a tick or a cell shows it. */
export function formatParam(value: ParamValue): string {
  if (value === null) return '—'
  if (typeof value !== 'number') return String(value)
  if (Number.isInteger(value)) return String(value)
  return Math.abs(value) < 0.01 ? value.toExponential(1) : String(Number(value.toPrecision(3)))
}

/** The numeric value a parameter's axis places, or its category name. */
function axisValue(value: ParamValue | undefined): number | string | null {
  if (value === undefined || value === null) return null
  return typeof value === 'number' ? value : String(value)
}

/** Positions every trial with a metric on the parameters' axes and the metric's, inside `box`. */
export function sweepParallelLayout(
  points: readonly SweepPoint[],
  params: readonly SweepAxisParam[],
  metric: SweepMetric,
  box: ParallelBox,
): SweepParallelLayout {
  const shown = points.filter((p): p is SweepPoint & { metric: number } => p.metric !== null)
  const specs: AxisSpec<SweepPoint>[] = [
    ...params.map((param) => ({
      key: `param:${param.name}`,
      label: param.name,
      kind: param.kind,
      value: (p: SweepPoint) => axisValue(p.params[param.name]),
      format: (v: number) => formatParam(v),
    })),
    {
      key: 'metric',
      label: metric.name,
      kind: 'linear' as const,
      value: (p: SweepPoint) => p.metric,
      format: (v: number) => formatMetric(metric.name, v),
    },
  ]
  const inner = { x0: box.left, x1: box.width - box.right, y0: box.top, y1: box.height - box.bottom }
  const step = specs.length > 1 ? (inner.x1 - inner.x0) / (specs.length - 1) : 0
  const scales = specs.map((spec, i) => axisScale(spec, shown, inner.y0, inner.y1, inner.x0 + i * step))
  const values = shown.map((p) => p.metric)
  const lo = values.length ? Math.min(...values) : 0
  const hi = values.length ? Math.max(...values) : 1
  const score = (v: number) => {
    if (hi === lo) return 1
    const f = (v - lo) / (hi - lo)
    return metric.goal === 'maximize' ? f : 1 - f
  }
  return {
    axes: scales.map((s) => s.axis),
    lines: shown.map((p) => ({
      id: p.id,
      name: p.name,
      metric: p.metric,
      score: score(p.metric),
      points: scales.map((s, i) => ({ x: s.axis.x, y: s.position(specs[i].value(p)) })),
    })),
    metricRange: metric.goal === 'maximize' ? [lo, hi] : [hi, lo],
  }
}
