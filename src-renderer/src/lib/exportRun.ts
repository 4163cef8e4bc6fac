/** Exports of a run that the renderer can make itself from `runs.get`. */
import { request } from '../api/client'
import { runChartsPng } from './chartsPng'
import { fileSafeName, metricsCsv } from './csv'
import { downloadBlob } from './download'
import { RunSeries } from './runSeries'

export type ExportKind = 'csv' | 'png'

/** Download a run's metrics as CSV or its charts as PNG. */
export async function exportRun(id: string, kind: ExportKind): Promise<void> {
  const details = await request('runs.get', { id })
  const base = fileSafeName(details.record.name, details.record.id)
  if (kind === 'csv') {
    downloadBlob(new Blob([metricsCsv(details.metrics)], { type: 'text/csv' }), `${base}-metrics.csv`)
    return
  }
  const series = new RunSeries()
  details.metrics.forEach((m) => series.addEpoch(m))
  details.batches.forEach((b) => series.addBatch(b))
  downloadBlob(await runChartsPng(details.record, series), `${base}-charts.png`)
}
