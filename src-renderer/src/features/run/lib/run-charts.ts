/** Which lines the loss and accuracy charts of a run draw. */
import type { ChartLine } from '../../../lib/chart-config'
import type { RunSeries } from '../../../lib/run-series'

export function lossLines(series: RunSeries): ChartLine[] {
  return [
    { label: 'Training loss (per batch)', kind: 'batch', points: series.batchLoss },
    { label: 'Training loss', kind: 'train', points: series.trainLoss },
    { label: 'Validation loss', kind: 'val', points: series.valLoss },
  ]
}

export function accuracyLines(series: RunSeries): ChartLine[] {
  return [
    { label: 'Training accuracy (per batch)', kind: 'batch', points: series.batchAccuracy },
    { label: 'Training accuracy', kind: 'train', points: series.trainAccuracy },
    { label: 'Validation accuracy', kind: 'val', points: series.valAccuracy },
  ]
}
