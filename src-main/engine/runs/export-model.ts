import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelExport } from '@common/contract'
import { UserError } from '../errors'
import { checkpointEpochs, checkpointFolder } from '../run-files/checkpoint-paths'
import { runPaths } from '../run-files/paths'

/**
 * A run's checkpoint in tfjs layers format: model.json (its weights manifest renamed to the
 * file the user will save) and the weights. Loadable with `tf.loadLayersModel`.
 */
export async function exportModel(home: string, id: string, epoch?: number): Promise<ModelExport> {
  const { checkpoints } = runPaths(home, id)
  const epochs = await checkpointEpochs(checkpoints)
  if (epochs.length === 0)
    throw new UserError(`Run ${id} has no checkpoint yet; it saves one after each epoch.`, 'not_found', 'id')
  const chosen = epoch ?? epochs[0]
  if (!epochs.includes(chosen)) {
    throw new UserError(
      `Run ${id} keeps only the checkpoint of epoch ${epochs[0]}, not ${chosen}.`,
      'not_found',
      'epoch',
    )
  }
  const folder = checkpointFolder(checkpoints, chosen)
  const [json, weights] = await Promise.all([
    readFile(join(folder, 'model.json'), 'utf8'),
    readFile(join(folder, 'weights.bin')),
  ])
  const weightsFileName = `${id}-epoch${chosen}.weights.bin`
  const model = JSON.parse(json) as { weightsManifest: { paths: string[] }[] }
  for (const group of model.weightsManifest) group.paths = [weightsFileName]
  return {
    epoch: chosen,
    modelJson: JSON.stringify(model),
    weightsFileName,
    weightsBase64: weights.toString('base64'),
  }
}
