import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelExport } from '@common/contract'
import { UserError } from '../errors'
import { bestCheckpointEpoch, checkpointEpochs, checkpointFolder } from '../run-files/checkpoint-paths'
import { runPaths } from '../run-files/paths'
import { modelMetadata } from './model-metadata'
import { RunStore } from './store'

/** The part of model.json this reads and changes; the rest is kept as it is. */
interface ModelJson {
  modelTopology: { config?: { layers?: { config?: { batch_input_shape?: (number | null)[] } }[] } }
  weightsManifest: { paths: string[] }[]
  userDefinedMetadata?: Record<string, unknown>
}

/**
 * A run's checkpoint in tfjs layers format: model.json (its weights manifest renamed to the
 * file the user will save, and user-defined metadata saying how to feed it) and the weights.
 * Loadable with `tf.loadLayersModel`. The latest unless `epoch` names another one the run keeps
 * (its best epoch's).
 */
export async function exportModel(home: string, id: string, epoch?: number): Promise<ModelExport> {
  const record = await new RunStore(home).read(id)
  const { checkpoints } = runPaths(home, id)
  const epochs = await checkpointEpochs(checkpoints)
  if (epochs.length === 0)
    throw new UserError(`Run ${id} has no checkpoint yet; it saves one after each epoch.`, 'not_found', 'id')
  const best = await bestCheckpointEpoch(checkpoints)
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
  const folder = checkpointFolder(checkpoints, chosen, epochs.includes(chosen) ? 'latest' : 'best')
  const [json, weights] = await Promise.all([
    readFile(join(folder, 'model.json'), 'utf8'),
    readFile(join(folder, 'weights.bin')),
  ])
  const weightsFileName = `${id}-epoch${chosen}.weights.bin`
  const model = JSON.parse(json) as ModelJson
  for (const group of model.weightsManifest) group.paths = [weightsFileName]
  model.userDefinedMetadata = { ...modelMetadata(record, inputShapeOf(model, record.dataset?.inputShape)) }
  return {
    epoch: chosen,
    modelJson: JSON.stringify(model),
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
