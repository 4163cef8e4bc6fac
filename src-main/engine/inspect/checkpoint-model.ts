/**
 * A run's latest checkpoint as a model for inference, through the training engine's own loader.
 * A running run replaces its checkpoint folder each epoch (rename, then the old one is deleted),
 * so the folder found by a listing may vanish before it is read: then look again.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { checkpointFolder, latestCheckpointEpoch, loadCheckpoint } from '../train/checkpoint'

export interface CheckpointModel {
  model: tfl.LayersModel
  epoch: number
}

const ATTEMPTS = 3

/** The epoch of the newest checkpoint in `checkpointsDir`, 0 when there is none. */
export { latestCheckpointEpoch }

/** Loads the newest checkpoint's model (the optimizer's state is dropped); null when there is none. */
export async function loadCheckpointModel(checkpointsDir: string): Promise<CheckpointModel | null> {
  for (let attempt = 1; ; attempt++) {
    const epoch = await latestCheckpointEpoch(checkpointsDir)
    if (epoch === 0) return null
    try {
      const loaded = await loadCheckpoint(checkpointFolder(checkpointsDir, epoch))
      tf.dispose(loaded.optimizerWeights.map((w) => w.tensor))
      return { model: loaded.model, epoch: loaded.state.epoch }
    } catch (error) {
      const vanished = (error as NodeJS.ErrnoException).code === 'ENOENT'
      if (!vanished || attempt >= ATTEMPTS) {
        throw new Error(`Loading the checkpoint of epoch ${epoch} failed: ${(error as Error).message}`, {
          cause: error,
        })
      }
    }
  }
}
