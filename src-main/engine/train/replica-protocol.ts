/**
 * What the training process's main thread and its replica worker threads tell each other. The
 * exchange of gradients goes through shared memory; these messages only start steps and report.
 */
import type { Architecture, BackendPreference, RunConfig } from '@common/schemas'
import type { ExchangeShape } from '../backend/data-parallel/gradient-exchange'
import type { ImageSet } from './batches'
import type { EvaluationStats, StepInput, StepRecipe } from './step'

/** A tensor's values as they cross to a worker. */
export interface TensorData {
  name: string
  shape: number[]
  dtype: 'float32' | 'int32'
  values: Float32Array | Int32Array
}

/** A worker's `workerData`: everything to build its replica of the model and optimizer. */
export interface ReplicaWorkerData {
  replica: number
  replicas: number
  backend: BackendPreference
  buffer: SharedArrayBuffer
  shape: ExchangeShape
  timeoutMs: number
  architecture: Architecture
  optimizer: Pick<RunConfig, 'optimizer' | 'learningRate' | 'momentum'>
  recipe: StepRecipe
  seed: number
  rows: number
  cols: number
  channels: number
  numClasses: number
  /** The training and the validation images, in shared memory (every replica reads the same). */
  train: ImageSet
  validation: ImageSet
  /** The model's weights (all of them, `model.getWeights()` order) and the optimizer's state. */
  weights: TensorData[]
  optimizerWeights: TensorData[]
}

export type MainToReplica =
  | {
      type: 'step'
      /** This replica's part of the batch (possibly empty) and its dropout seeds. */
      input: StepInput
      /** Images in the whole batch, over all replicas. */
      batchSize: number
    }
  | {
      /** Validation of images start..start+count (this replica's part of a batch). */
      type: 'evaluate'
      start: number
      count: number
    }

export type ReplicaToMain =
  { type: 'ready' } | { type: 'failed'; error: string } | ({ type: 'evaluated' } & EvaluationStats)
