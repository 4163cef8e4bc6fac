/** Exports of a run: metrics and charts made here from `runs.get`, the model from the engine. */
import { request } from '../../../api/client'
import { runChartsPng } from './run-charts-png'
import { fileSafeName, metricsCsv } from '../../../lib/csv'
import { downloadBlob } from '../../../lib/download'
import { RunSeries } from '../../../lib/run-series'

export type ExportKind = 'csv' | 'png' | 'model'

/** The entries of a run's export menu. */
export const RUN_EXPORTS: readonly { kind: ExportKind; title: string; detail: string }[] = [
  { kind: 'csv', title: 'Metrics as CSV', detail: 'one row an epoch' },
  { kind: 'png', title: 'Charts as PNG', detail: 'loss and accuracy' },
  { kind: 'model', title: 'Model (tfjs format)', detail: 'model.json and weights, latest checkpoint' },
]

/** The name of the model.json that goes with a weights file (`<id>-epoch<n>.weights.bin`). */
export function modelJsonFileName(weightsFileName: string): string {
  return `${weightsFileName.replace(/\.weights\.bin$|\.bin$/, '')}.model.json`
}

/** Bytes of a base64 string. */
function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Download a run's metrics as CSV, its charts as PNG, or its latest checkpoint as a tfjs model. */
export async function exportRun(id: string, kind: ExportKind): Promise<void> {
  if (kind === 'model') {
    const model = await request('runs.exportModel', { id })
    // The manifest inside model.json names the weights file, so both keep the engine's names.
    downloadBlob(
      new Blob([model.modelJson], { type: 'application/json' }),
      modelJsonFileName(model.weightsFileName),
    )
    downloadBlob(
      new Blob([base64Bytes(model.weightsBase64)], { type: 'application/octet-stream' }),
      model.weightsFileName,
    )
    return
  }
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
