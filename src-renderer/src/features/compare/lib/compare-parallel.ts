/**
 * The parallel-coordinates plot of every run: one vertical axis per hyperparameter and one for
 * the best validation accuracy, one line per run, coloured by that accuracy. Pure layout: the
 * component draws what this returns.
 */
import type { RunRecord } from '@common/contract'
import { formatLearningRate } from '@common/format'
import { formatCount } from '../../../lib/format'

export interface ParallelRun {
  id: string
  name: string
  learningRate: number
  batchSize: number
  epochs: number
  optimizer: string
  /** Parameters of the network, when known. */
  params: number | null
  bestValAccuracy: number
}

/** How an axis spaces its values: by their logarithm, linearly, or as evenly spaced categories. */
export type AxisKind = 'log' | 'linear' | 'category'
/** One axis of a parallel-coordinates plot over items of type T. */
export interface AxisSpec<T> {
  key: string
  label: string
  kind: AxisKind
  value: (item: T) => number | string | null
  format: (value: number) => string
}

const AXES: AxisSpec<ParallelRun>[] = [
  {
    key: 'learningRate',
    label: 'Learning rate',
    kind: 'log',
    value: (r) => r.learningRate,
    format: formatLearningRate,
  },
  {
    key: 'batchSize',
    label: 'Batch size',
    kind: 'log',
    value: (r) => r.batchSize,
    format: (v) => String(Math.round(v)),
  },
  {
    key: 'epochs',
    label: 'Epochs',
    kind: 'linear',
    value: (r) => r.epochs,
    format: (v) => String(Math.round(v)),
  },
  { key: 'optimizer', label: 'Optimizer', kind: 'category', value: (r) => r.optimizer, format: String },
  { key: 'params', label: 'Parameters', kind: 'log', value: (r) => r.params, format: compactCount },
  {
    key: 'accuracy',
    label: 'Best val. accuracy',
    kind: 'linear',
    value: (r) => r.bestValAccuracy,
    format: (v) => `${(v * 100).toFixed(1)}%`,
  },
]

export interface ParallelTick {
  y: number
  label: string
}

export interface ParallelAxis {
  key: string
  label: string
  x: number
  ticks: ParallelTick[]
}

export interface ParallelLine {
  id: string
  name: string
  /** Where the line crosses each axis, left to right; y is null where the run has no value. */
  points: { x: number; y: number | null }[]
  accuracy: number
}

export interface ParallelLayout {
  axes: ParallelAxis[]
  lines: ParallelLine[]
  /** Accuracy at the bottom and top of the colour ramp. */
  accuracyRange: [number, number]
}

export interface ParallelBox {
  width: number
  height: number
  /** Space for the axis titles above and the labels at the sides. */
  top: number
  bottom: number
  left: number
  right: number
}

/** A run as the plot sees it; null when it has no finished epoch. */
export function toParallelRun(record: RunRecord, params: number | null): ParallelRun | null {
  if (!record.summary) return null
  return {
    id: record.id,
    name: record.name,
    learningRate: record.config.learningRate,
    batchSize: record.config.batchSize,
    epochs: record.config.epochs,
    optimizer: record.config.optimizer,
    params,
    bestValAccuracy: record.summary.bestValAccuracy,
  }
}

/** 569606 -> `570k`, 1200000 -> `1.2M`. */
export function compactCount(n: number): string {
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(2))}M`
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`
  return formatCount(n)
}

/** Positions every run on every axis inside `box`; values at the top are the largest. */
export function parallelLayout(runs: readonly ParallelRun[], box: ParallelBox): ParallelLayout {
  const inner = { x0: box.left, x1: box.width - box.right, y0: box.top, y1: box.height - box.bottom }
  const step = AXES.length > 1 ? (inner.x1 - inner.x0) / (AXES.length - 1) : 0
  const scales = AXES.map((spec, i) => axisScale(spec, runs, inner.y0, inner.y1, inner.x0 + i * step))
  return {
    axes: scales.map((s) => s.axis),
    lines: runs.map((run) => ({
      id: run.id,
      name: run.name,
      accuracy: run.bestValAccuracy,
      points: scales.map((s, i) => ({ x: s.axis.x, y: s.position(AXES[i].value(run)) })),
    })),
    accuracyRange: accuracyRange(runs),
  }
}

function accuracyRange(runs: readonly ParallelRun[]): [number, number] {
  if (runs.length === 0) return [0, 1]
  const values = runs.map((r) => r.bestValAccuracy)
  return [Math.min(...values), Math.max(...values)]
}

/** An axis at `x` spanning `top` to `bottom` over the items' values, and where a value sits on it. */
export function axisScale<T>(spec: AxisSpec<T>, runs: readonly T[], top: number, bottom: number, x: number) {
  const middle = (top + bottom) / 2
  if (spec.kind === 'category') {
    const categories = [
      ...new Set(runs.map((r) => spec.value(r)).filter((v): v is string => typeof v === 'string')),
    ].sort()
    const at = (i: number) =>
      categories.length === 1 ? middle : bottom - (i * (bottom - top)) / (categories.length - 1)
    return {
      axis: {
        key: spec.key,
        label: spec.label,
        x,
        ticks: categories.map((c, i) => ({ y: at(i), label: c })),
      },
      position: (v: number | string | null) =>
        typeof v === 'string' && categories.includes(v) ? at(categories.indexOf(v)) : null,
    }
  }
  const log = spec.kind === 'log'
  const numbers = runs
    .map((r) => spec.value(r))
    .filter((v): v is number => typeof v === 'number' && (!log || v > 0))
  const t = (v: number) => (log ? Math.log10(v) : v)
  const lo = numbers.length ? Math.min(...numbers.map(t)) : 0
  const hi = numbers.length ? Math.max(...numbers.map(t)) : 1
  const position = (v: number | string | null) => {
    if (typeof v !== 'number' || (log && v <= 0)) return null
    return hi === lo ? middle : bottom - ((t(v) - lo) / (hi - lo)) * (bottom - top)
  }
  const ticks: ParallelTick[] =
    numbers.length === 0
      ? []
      : hi === lo
        ? [{ y: middle, label: spec.format(numbers[0]) }]
        : [
            { y: top, label: spec.format(log ? 10 ** hi : hi) },
            { y: bottom, label: spec.format(log ? 10 ** lo : lo) },
          ]
  return { axis: { key: spec.key, label: spec.label, x, ticks }, position }
}

/** An SVG path through the points, broken where a run has no value on an axis. */
export function linePath(points: readonly { x: number; y: number | null }[]): string {
  let path = ''
  let pen = false
  for (const p of points) {
    if (p.y === null) {
      pen = false
      continue
    }
    path += `${pen ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`
    pen = true
  }
  return path
}

/**
 * Stops of the accuracy colour ramp, low to high: one hue, so it reads the same for every kind of
 * colour vision; the better a run, the more it stands out from the background.
 */
export const ACCURACY_RAMP = {
  light: ['#b9b2e3', '#9186d3', '#6a5cc4', '#4035a8', '#1e1682'],
  dark: ['#3a3862', '#5654a6', '#7c84df', '#a8b6f5', '#dde7ff'],
} as const

/** The ramp's colour for `accuracy` within `range`, for the light or the dark theme. */
export function accuracyColor(accuracy: number, range: readonly [number, number], dark = false): string {
  const stops = dark ? ACCURACY_RAMP.dark : ACCURACY_RAMP.light
  const [lo, hi] = range
  const f = hi > lo ? Math.min(1, Math.max(0, (accuracy - lo) / (hi - lo))) : 1
  const at = f * (stops.length - 1)
  const i = Math.min(stops.length - 2, Math.floor(at))
  return mix(stops[i], stops[i + 1], at - i)
}

function mix(a: string, b: string, f: number): string {
  const ca = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16))
  const cb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16))
  return `#${ca
    .map((c, i) =>
      Math.round(c + (cb[i] - c) * f)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`
}

/** Label positions at least `gap` apart, each as near its wish as room allows, within [top, bottom]. */
export function spreadLabels(wishes: readonly number[], gap: number, top: number, bottom: number): number[] {
  const order = wishes.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y)
  const placed = order.map((o) => o.y)
  for (let k = 0; k < placed.length; k++) placed[k] = Math.max(placed[k], k ? placed[k - 1] + gap : top)
  for (let k = placed.length - 1; k >= 0; k--) {
    placed[k] = Math.min(placed[k], k < placed.length - 1 ? placed[k + 1] - gap : bottom)
  }
  const out = new Array<number>(wishes.length)
  order.forEach((o, k) => (out[o.i] = placed[k]))
  return out
}
