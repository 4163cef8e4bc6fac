/**
 * Exports of a run: metrics and charts made here from `runs.get`, the model (tfjs or ONNX, of
 * the checkpoint chosen) by the engine. Every file is named by `exportFileName`.
 */
import { exportFileName, type KeptCheckpoints } from '@common/export-names'
import { classNamesOf } from '@common/summary'
import { request } from '../../../api/client'
import { runChartsPng } from './run-charts-png'
import { metricsCsv } from '../../../lib/csv'
import { downloadBlob } from '../../../lib/download'
import { RunSeries } from '../../../lib/run-series'

/** A model export: its format and which checkpoint. */
export type ModelExportKind = `${'model' | 'onnx'}:${'latest' | 'best'}`
export type ExportKind = 'csv' | 'png' | ModelExportKind
export type { KeptCheckpoints }

interface RunExportEntry {
  kind: ExportKind
  title: string
  detail: string
  unavailable?: string
}

const FORMATS = [
  { format: 'model', title: 'Model, tfjs format', what: 'model.json and weights' },
  { format: 'onnx', title: 'Model, ONNX', what: 'one .onnx file' },
] as const

/** The entries of a run's export menu: metrics, charts, and each format of each kept checkpoint. */
export function runExports(checkpoints: KeptCheckpoints): RunExportEntry[] {
  const entries: RunExportEntry[] = [
    { kind: 'csv', title: 'Metrics as CSV', detail: 'one row an epoch' },
    { kind: 'png', title: 'Charts as PNG', detail: 'loss and accuracy' },
  ]
  for (const { format, title, what } of FORMATS) {
    if (checkpoints.latest === 0) {
      entries.push({
        kind: `${format}:latest`,
        title,
        detail: what,
        unavailable: 'saved when the first epoch ends',
      })
      continue
    }
    entries.push({
      kind: `${format}:latest`,
      title,
      detail: `${what}, latest checkpoint (epoch ${checkpoints.latest})`,
    })
    if (checkpoints.best !== null)
      entries.push({ kind: `${format}:best`, title, detail: `${what}, best epoch (${checkpoints.best})` })
  }
  return entries
}

/** Bytes of a base64 string. */
function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

async function exportCheckpoint(id: string, kind: ModelExportKind, checkpoints: KeptCheckpoints) {
  const [format, which] = kind.split(':') as ['model' | 'onnx', 'latest' | 'best']
  const epoch = which === 'best' && checkpoints.best !== null ? checkpoints.best : undefined
  if (format === 'onnx') {
    const onnx = await request('runs.exportOnnx', { id, epoch })
    downloadBlob(
      new Blob([base64Bytes(onnx.onnxBase64)], { type: 'application/octet-stream' }),
      onnx.fileName,
    )
    return
  }
  const model = await request('runs.exportModel', { id, epoch })
  // The manifest inside model.json names the weights file, so both keep the engine's names.
  downloadBlob(new Blob([model.modelJson], { type: 'application/json' }), model.modelJsonFileName)
  downloadBlob(
    new Blob([base64Bytes(model.weightsBase64)], { type: 'application/octet-stream' }),
    model.weightsFileName,
  )
}

/** Download a run's metrics as CSV, its charts as PNG, or a checkpoint as a tfjs or ONNX model. */
export async function exportRun(id: string, kind: ExportKind, checkpoints: KeptCheckpoints): Promise<void> {
  if (kind !== 'csv' && kind !== 'png') return exportCheckpoint(id, kind, checkpoints)
  const details = await request('runs.get', { id })
  const { name } = details.record
  if (kind === 'csv') {
    downloadBlob(
      new Blob([metricsCsv(details.metrics, classNamesOf(details.record))], { type: 'text/csv' }),
      exportFileName(name, { kind: 'metrics' }, id),
    )
    return
  }
  const series = new RunSeries()
  details.metrics.forEach((m) => series.addEpoch(m))
  details.batches.forEach((b) => series.addBatch(b))
  downloadBlob(
    await runChartsPng(details.record, series, details.metrics),
    exportFileName(name, { kind: 'charts' }, id),
  )
}
