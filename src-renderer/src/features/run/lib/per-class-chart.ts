/**
 * The chart.js configuration of one class's small chart: its validation accuracy by epoch over
 * the whole run's epochs, on the floor all the class charts share, drawn in the validation colour
 * or, for the class doing worst, in the danger colour. Few ticks: the charts are small multiples,
 * read side by side.
 */
import type { ChartConfiguration } from 'chart.js'
import type { ThemeColors } from '../../../composables/use-theme-colors'
import { baseOptions, chartTheme, tickText } from '../../../lib/chart-config'
import type { Point } from '../../../lib/run-series'
import { figureText, type ClassSeries } from './per-class'

export interface ClassChartOptions {
  series: ClassSeries
  colors: ThemeColors
  /** Whether this class is the one doing worst now. */
  worst: boolean
  /** The y axis's floor, the same for every class. */
  floor: number
  /** The run's planned epochs: the x axis spans the whole run from the start. */
  epochs: number
}

/** A class chart's configuration (its points array is the series's own, read in place). */
export function classChartConfig(options: ClassChartOptions): ChartConfiguration<'line', Point[]> {
  const { colors, series } = options
  const font = { size: 9, family: getComputedStyle(document.body).fontFamily }
  const theme = chartTheme(colors, font)
  const color = options.worst ? colors.danger : colors.val
  return {
    type: 'line',
    data: {
      datasets: [
        {
          label: series.name,
          data: series.points,
          borderColor: color,
          backgroundColor: color,
          borderWidth: options.worst ? 2 : 1.5,
          // Points while there are few epochs to mark; a long run reads as a line.
          pointRadius: series.points.length <= 12 ? 2 : 0,
          pointHoverRadius: 3,
          pointHitRadius: 6,
          tension: 0,
          clip: 4,
        },
      ],
    },
    options: {
      ...baseOptions,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      layout: { padding: { top: 4, right: 4 } },
      ...theme.text,
      scales: {
        x: {
          ...theme.x,
          type: 'linear',
          // Half an epoch of room at both ends: the first and last points show whole, and the one
          // point of a one-epoch run sits in the middle.
          min: 0.5,
          max: Math.max(1, options.epochs) + 0.5,
          grid: { display: false },
          ticks: { display: false },
        },
        y: {
          ...theme.y,
          type: 'linear',
          min: options.floor,
          max: 1,
          ticks: {
            ...theme.text,
            maxTicksLimit: 3,
            callback: (value) => tickText(Number(value), 'accuracy'),
          },
        },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          ...theme.tooltip,
          displayColors: false,
          callbacks: {
            title: (items) => (items.length ? `${series.name}, epoch ${items[0].parsed.x}` : ''),
            label: (item) => {
              const figure = series.figures[item.dataIndex]
              return figure ? figureText(figure) : ''
            },
          },
        },
      },
    },
  }
}
