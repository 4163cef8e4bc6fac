import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelExport } from '@common/contract'
import type { RunRecord } from '@common/run-record'
import { exportFileName } from '@common/export-names'
import { UserError } from '../errors'
import { bestCheckpointEpoch, checkpointEpochs, checkpointFolder } from '../run-files/checkpoint-paths'
import { runPaths } from '../run-files/paths'
import { readRecord } from '../run-files/record'
import { modelMetadata } from './model-metadata'

/** The part of model.json this reads and changes; the rest is kept as it is. */
interface ModelJson {
  modelTopology: { config?: { layers?: { config?: { batch_input_shape?: (number | null)[] } }[] } }
  weightsManifest: { paths: string[] }[]
  userDefinedMetadata?: Record<string, unknown>
}

/** A checkpoint chosen for export: its epoch, its folder, and the run's name and record. */
export interface ChosenCheckpoint {
  epoch: number
  folder: string
  runName: string
  /** The run's record; null when run.json is damaged (the run still exports, under its id). */
  record: RunRecord | null
}

/**
 * The checkpoint of `epoch` that the run keeps (its latest, or its best kept beside it), the
 * latest when `epoch` is absent. Throws a UserError saying which epochs the run keeps.
 */
export async function chooseCheckpoint(home: string, id: string, epoch?: number): Promise<ChosenCheckpoint> {
  const paths = runPaths(home, id)
  const epochs = await checkpointEpochs(paths.checkpoints)
  if (epochs.length === 0)
    throw new UserError(`Run ${id} has no checkpoint yet; it saves one after each epoch.`, 'not_found', 'id')
  const best = await bestCheckpointEpoch(paths.checkpoints)
  const chosen = epoch ?? epochs[0]
  if (!epochs.includes(chosen) && chosen !== best) {
    const kept =
      best > 0 && best !== epochs[0] ? `epochs ${best} (its best) and ${epochs[0]}` : `epoch ${epochs[0]}`
    throw new UserError(
      `Run ${id} keeps only the checkpoints of ${kept}, not ${chosen}.`,
      'not_found',
      'epoch',
    )
  }
  const read = await readRecord(paths.record, id)
  return {
    epoch: chosen,
    folder: checkpointFolder(paths.checkpoints, chosen, epochs.includes(chosen) ? 'latest' : 'best'),
    runName: read.ok ? read.record.name : id,
    record: read.ok ? read.record : null,
  }
}

/**
 * A run's checkpoint in tfjs layers format: model.json (its weights manifest renamed to the
 * file the user will save, and user-defined metadata saying how to feed it) and the weights. Loadable with `tf.loadLayersModel`. The latest
 * unless `epoch` names another one the run keeps (its best epoch's).
 */
export async function exportModel(home: string, id: string, epoch?: number): Promise<ModelExport> {
  const chosen = await chooseCheckpoint(home, id, epoch)
  const [json, weights] = await Promise.all([
    readFile(join(chosen.folder, 'model.json'), 'utf8'),
    readFile(join(chosen.folder, 'weights.bin')),
  ])
  const weightsFileName = exportFileName(chosen.runName, { kind: 'tfjs-weights', epoch: chosen.epoch }, id)
  const model = JSON.parse(json) as ModelJson
  for (const group of model.weightsManifest) group.paths = [weightsFileName]
  // How to feed it; a run whose run.json is damaged still exports its weights, without it.
  if (chosen.record)
    model.userDefinedMetadata = {
      ...modelMetadata(chosen.record, inputShapeOf(model, chosen.record.dataset?.inputShape)),
    }
  return {
    epoch: chosen.epoch,
    modelJson: JSON.stringify(model),
    modelJsonFileName: exportFileName(chosen.runName, { kind: 'tfjs-model', epoch: chosen.epoch }, id),
    weightsFileName,
    weightsBase64: weights.toString('base64'),
  }
}

/** The input layer's [height, width, channels]: as the run recorded it, else from the topology. */
function inputShapeOf(model: ModelJson, recorded?: [number, number, number]): [number, number, number] {
  if (recorded) return recorded
  const shape = model.modelTopology.config?.layers?.[0]?.config?.batch_input_shape
  if (shape && shape.length === 4 && shape.slice(1).every((n) => typeof n === 'number'))
    return shape.slice(1) as [number, number, number]
  // Runs recorded before inputs of other shapes trained on MNIST-sized images.
  return [28, 28, 1]
}
