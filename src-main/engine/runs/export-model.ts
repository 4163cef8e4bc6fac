import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelExport } from '@common/contract'
import { UserError } from '../errors'
import { bestCheckpointEpoch, checkpointEpochs, checkpointFolder } from '../run-files/checkpoint-paths'
import { runPaths } from '../run-files/paths'

/**
 * A run's checkpoint in tfjs layers format: model.json (its weights manifest renamed to the
 * file the user will save) and the weights. Loadable with `tf.loadLayersModel`. The latest
 * unless `epoch` names another one the run keeps (its best epoch's).
 */
export async function exportModel(home: string, id: string, epoch?: number): Promise<ModelExport> {
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
  const model = JSON.parse(json) as { weightsManifest: { paths: string[] }[] }
  for (const group of model.weightsManifest) group.paths = [weightsFileName]
  return {
    epoch: chosen,
    modelJson: JSON.stringify(model),
    weightsFileName,
    weightsBase64: weights.toString('base64'),
  }
}
