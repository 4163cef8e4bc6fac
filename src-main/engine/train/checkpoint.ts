/**
 * Checkpoints: after each epoch, the model in tfjs layers format (model.json + weights.bin, through
 * a save handler of our own since tfjs-node's file:// is not available), the optimizer's state,
 * the state of the run's random generators and where selection stands (best epoch, early
 * stopping's count), so that a resumed run continues exactly; the learning-rate schedule needs
 * only the epoch, being a pure function of it. Each one is written into a temporary folder and
 * renamed into place, so a crash never leaves half of one; only the latest is kept, and the best
 * by validation beside it when the run keeps its best.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { writeFileSynced } from '../fs-atomic'
import {
  CHECKPOINT_FORMAT,
  checkpointStateSchema,
  type CheckpointStateFile,
} from '../run-files/checkpoint-check'
import {
  bestCheckpointEpoch,
  checkpointFolder,
  isCheckpointFolderName,
  latestCheckpointEpoch,
  type CheckpointKind,
} from '../run-files/checkpoint-paths'

export { bestCheckpointEpoch, checkpointFolder, latestCheckpointEpoch }

/** What a checkpoint records beside the tensors (state.json without its format and weight specs). */
export type CheckpointState = Omit<CheckpointStateFile, 'format' | 'optimizerWeights'>

/** What `optimizer.getWeights()` returns (tfjs-core does not export the type by name). */
export type OptimizerWeights = Awaited<ReturnType<tf.Optimizer['getWeights']>>

export interface LoadedCheckpoint {
  model: tfl.LayersModel
  /** In the order `optimizer.getWeights()` gave them; pass to `optimizer.setWeights`. */
  optimizerWeights: OptimizerWeights
  state: CheckpointState
}

/** Saves a checkpoint and then deletes the older ones of its kind. */
export async function saveCheckpoint(
  checkpointsDir: string,
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  state: CheckpointState,
  kind: CheckpointKind = 'latest',
): Promise<void> {
  await mkdir(checkpointsDir, { recursive: true })
  const tmp = join(checkpointsDir, `.tmp-${state.epoch}-${randomBytes(4).toString('hex')}`)
  await mkdir(tmp)
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weightData = tf.io.concatenateArrayBuffers(artifacts.weightData ?? new ArrayBuffer(0))
        const modelJson = {
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        }
        await writeFileSynced(join(tmp, 'model.json'), JSON.stringify(modelJson))
        await writeFileSynced(join(tmp, 'weights.bin'), new Uint8Array(weightData))
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) }
      }),
    )
    const optimizerWeights = await optimizer.getWeights()
    try {
      const encoded = await tf.io.encodeWeights(optimizerWeights)
      await writeFileSynced(
        join(tmp, 'optimizer.bin'),
        new Uint8Array(tf.io.concatenateArrayBuffers(encoded.data)),
      )
      const stateFile: CheckpointStateFile = {
        format: CHECKPOINT_FORMAT,
        ...state,
        optimizerWeights: encoded.specs,
      }
      await writeFileSynced(join(tmp, 'state.json'), JSON.stringify(stateFile, null, 2))
    } finally {
      // getWeights makes a fresh tensor for the step counter; the rest are the optimizer's own.
      for (const w of optimizerWeights) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose()
    }
    const target = checkpointFolder(checkpointsDir, state.epoch, kind)
    await rm(target, { recursive: true, force: true })
    await rename(tmp, target)
  } catch (error) {
    await rm(tmp, { recursive: true, force: true })
    throw new Error(`Saving the checkpoint of epoch ${state.epoch} failed: ${(error as Error).message}`, {
      cause: error,
    })
  }
  await removeOtherCheckpoints(checkpointsDir, state.epoch, kind)
}

/** Loads the newest checkpoint, or returns null when there is none. */
export async function loadLatestCheckpoint(checkpointsDir: string): Promise<LoadedCheckpoint | null> {
  const epoch = await latestCheckpointEpoch(checkpointsDir)
  return epoch > 0 ? loadCheckpoint(checkpointFolder(checkpointsDir, epoch)) : null
}

/** Loads one checkpoint folder. */
export async function loadCheckpoint(folder: string): Promise<LoadedCheckpoint> {
  const modelJson = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8')) as tf.io.ModelJSON
  const weights = await readFile(join(folder, 'weights.bin'))
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => [
    manifest.flatMap((group) => group.weights),
    toArrayBuffer(weights),
  ])
  const model = await tfl.loadLayersModel(tf.io.fromMemory(artifacts))
  const stateFile = checkpointStateSchema.parse(
    JSON.parse(await readFile(join(folder, 'state.json'), 'utf8')),
  )
  if (stateFile.format !== CHECKPOINT_FORMAT)
    throw new Error(`Checkpoint format ${stateFile.format} is not one this version reads.`)
  const optimizerBytes = await readFile(join(folder, 'optimizer.bin'))
  const specs = stateFile.optimizerWeights as tf.io.WeightsManifestEntry[]
  const decoded = tf.io.decodeWeights(toArrayBuffer(optimizerBytes), specs)
  const optimizerWeights = stateFile.optimizerWeights.map((spec) => ({
    name: spec.name,
    tensor: decoded[spec.name],
  }))
  const { epoch, rng, augmentRng, selection, elapsedMs, optimizer } = stateFile
  return { model, optimizerWeights, state: { epoch, rng, augmentRng, selection, elapsedMs, optimizer } }
}

/**
 * Removes what a save cut short left beside the checkpoint a run resumes from: the latest
 * checkpoints of other epochs (a save killed after its rename, before its clean-up) and `.tmp-`
 * folders. A run resumed at its last epoch saves no more, so nothing else would remove them.
 */
export function removeLeftoverCheckpoints(checkpointsDir: string, resumedEpoch: number): Promise<void> {
  return removeOtherCheckpoints(checkpointsDir, resumedEpoch, 'latest')
}

async function removeOtherCheckpoints(
  checkpointsDir: string,
  keepEpoch: number,
  kind: CheckpointKind,
): Promise<void> {
  const keep = checkpointFolder(checkpointsDir, keepEpoch, kind)
  for (const name of await readdir(checkpointsDir)) {
    const path = join(checkpointsDir, name)
    if (path !== keep && (isCheckpointFolderName(name, kind) || name.startsWith('.tmp-')))
      await rm(path, { recursive: true, force: true })
  }
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}
