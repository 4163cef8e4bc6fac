/**
 * Per-class validation accuracy by epoch, from the counts each epoch records (`valPerClass`):
 * one series per class, its latest figure, the class doing worst now, and the lowest value of
 * any class, which the small charts share as their floor so that they compare at a glance.
 */
import type { EpochMetrics } from '@common/contract'
import { formatPercent } from '@common/format'
import type { Point } from '../../../lib/run-series'

/** One class's latest figure: its accuracy after `epoch`, from `correct` of `total` images. */
export interface ClassFigure {
  epoch: number
  correct: number
  total: number
  accuracy: number
}

/** One class's curve and latest figure. */
export interface ClassSeries {
  name: string
  /** Accuracy by epoch; epochs where the class had no validation image are left out. */
  points: Point[]
  /** The figure behind each point, in the same order. */
  figures: ClassFigure[]
  latest: ClassFigure | null
}

export interface PerClassSeries {
  classes: ClassSeries[]
  /** The class whose latest accuracy is lowest (the first such), or null before any figure. */
  worst: number | null
  /** The floor every small chart shares: the lowest accuracy shown, rounded down to a tenth or twentieth. */
  floor: number
  /** The last epoch with counts. */
  lastEpoch: number | null
}

/**
 * The per-class series of `epochs` (in epoch order) for classes named `classNames`; null when no
 * epoch has counts (runs recorded before they were counted, or none finished yet).
 */
export function perClassSeries(
  epochs: readonly EpochMetrics[],
  classNames: readonly string[],
): PerClassSeries | null {
  const counted = epochs.filter((m) => m.valPerClass)
  if (counted.length === 0) return null
  const width = Math.max(classNames.length, ...counted.map((m) => m.valPerClass!.total.length))
  const classes: ClassSeries[] = Array.from({ length: width }, (_, k) => ({
    name: classNames[k] ?? String(k),
    points: [],
    figures: [],
    latest: null,
  }))
  for (const m of counted) {
    const { correct, total } = m.valPerClass!
    total.forEach((n, k) => {
      if (n === 0) return
      const figure = { epoch: m.epoch, correct: correct[k], total: n, accuracy: correct[k] / n }
      classes[k].points.push({ x: m.epoch, y: figure.accuracy })
      classes[k].figures.push(figure)
      classes[k].latest = figure
    })
  }
  let worst: number | null = null
  classes.forEach((c, k) => {
    if (c.latest && (worst === null || c.latest.accuracy < classes[worst].latest!.accuracy)) worst = k
  })
  const lowest = Math.min(1, ...classes.flatMap((c) => c.points.map((p) => p.y)))
  const step = 1 - lowest > 0.3 ? 0.1 : 0.05
  return {
    classes,
    worst,
    // Rounded, so that it is the round figure it reads as (0.3, not 0.30000000000000004).
    floor: Math.max(0, Number((Math.floor(lowest / step + 1e-9) * step).toFixed(2))),
    lastEpoch: counted.at(-1)!.epoch,
  }
}

/**
 * How many small charts a row holds, for `count` classes: at most six, rows evenly filled (ten
 * classes: two rows of five); more than twelve classes, rows of eight. The page and the PNG agree.
 */
export function perClassColumns(count: number): number {
  const n = Math.max(1, count)
  return n <= 12 ? Math.ceil(n / Math.ceil(n / 6)) : 8
}

/** A class's latest figure in words: `97.20% (486 of 500)`. */
export function figureText(figure: ClassFigure): string {
  return `${formatPercent(figure.accuracy)} (${figure.correct} of ${figure.total})`
}

/** The text alternative of the charts: every class's latest figure and the lowest one. */
export function perClassSummary(series: PerClassSeries | null): string {
  if (!series || series.lastEpoch === null) return 'No epoch has finished yet.'
  const figures = series.classes
    .filter((c) => c.latest)
    .map((c) => `${c.name} ${formatPercent(c.latest!.accuracy)}`)
    .join(', ')
  const worst = series.worst === null ? null : series.classes[series.worst]
  const lowest = worst?.latest ? ` Lowest: ${worst.name}, ${figureText(worst.latest)}.` : ''
  return `After epoch ${series.lastEpoch}: ${figures}.${lowest}`
}
