/**
 * How much memory a run needs at its peak, before it starts, and whether that fits: wasm addresses
 * at most 4 GiB per instance (each replica is one), and the machine has what it has. Pure
 * arithmetic over the layer plan, so the new-run form shows the same figure the main process
 * checks.
 *
 * The peak of one tfjs instance (each replica is one, and each takes its share of every training
 * and validation batch) is the largest of three moments of a step:
 * - the optimizer's update: tfjs updates every variable inside one tidy, so its temporaries (a
 *   dozen per variable for its Adam and RMSProp) live together beside the weights, their state
 *   and the gradients; our fused Adam on wasm needs a few;
 * - the backward pass: every layer's outputs, their gradients and the kernels' work buffers for
 *   the share of the batch, beside the weights, the state, the gradients and transposed copies;
 * - validation: the layers' outputs for the share of one validation batch.
 * The factors below were measured on the wasm backend with our kernels (the heap's size after two
 * steps, or one validation batch, in a fresh process), and rounded up to cover every network
 * measured: the notebook's at batch 10 to 2,000, six 512-filter blocks, 25M-parameter dense nets.
 */
import type { LayerSummary } from './contract'
import type { BackendName, OptimizerName } from './schemas'

const MIB = 1024 ** 2
const GIB = 1024 ** 3
const FLOAT = 4

/** The most a wasm instance addresses (the tfjs wasm binaries declare 65,536 pages of 64 KiB). */
export const WASM_INSTANCE_LIMIT = 4 * GIB

/** The heap an instance starts with, its code and tables. */
const BASE_BYTES = 16 * MIB

/** Floats per parameter at the optimizer's update (weights, state, gradients, temporaries). */
const UPDATE_FLOATS_PER_PARAM: Record<OptimizerKind, number> = {
  sgd: 6,
  momentum: 10,
  fusedAdam: 9.5,
  adam: 21,
  rmsprop: 21,
}
/** Floats per parameter the optimizer keeps between steps. */
const STATE_FLOATS_PER_PARAM: Record<OptimizerKind, number> = {
  sgd: 0,
  momentum: 1,
  fusedAdam: 2,
  adam: 2,
  rmsprop: 2,
}
/** Floats per parameter besides the state in the backward pass (weights, gradients, copies). */
const TRAIN_FLOATS_PER_PARAM = 5
/** Floats per float of layer output, per training image (outputs, their gradients, work buffers). */
const TRAIN_FLOATS_PER_OUTPUT = 8
/** Floats per float of layer output, per validation image (outputs, pre-activation copies). */
const EVAL_FLOATS_PER_OUTPUT = 1.5

/** Images a validation step takes at once: the batch size, and at least 500. */
export function validationBatchSize(batchSize: number): number {
  return Math.max(batchSize, 500)
}

/**
 * The optimizers as their memory differs: sgd with momentum keeps one slot more than sgd, and
 * Adam on wasm is our fused kernel (fused-adam.ts), elsewhere tfjs's.
 */
type OptimizerKind = 'sgd' | 'momentum' | 'fusedAdam' | 'adam' | 'rmsprop'

/** What the estimate needs of a run. */
export interface MemoryInput {
  /** The layer plan (`model.summary`): each layer's output shape and parameters. */
  layers: readonly Pick<LayerSummary, 'outputShape' | 'params'>[]
  batchSize: number
  replicas: number
  optimizer: OptimizerName
  momentum: number
  /** The backend that trains it (Adam's update differs on wasm). */
  backend: BackendName
}

export interface MemoryEstimate {
  /** The peak of one instance (a replica: its share of each training and validation batch). */
  perInstanceBytes: number
  /** The peak of the training process: every replica together. */
  totalBytes: number
  /** What drives an instance's peak. */
  cause: MemoryMoment
  /** An instance's bytes at each of the three moments of a step. */
  moments: Record<MemoryMoment, number>
}

export type MemoryMoment = 'parameters' | 'training' | 'validation'

/** The peak memory of a run's training process, from its layer plan. */
export function estimateRunMemory(input: MemoryInput): MemoryEstimate {
  const kind: OptimizerKind =
    input.optimizer === 'sgd'
      ? input.momentum > 0
        ? 'momentum'
        : 'sgd'
      : input.optimizer === 'adam' && input.backend === 'wasm'
        ? 'fusedAdam'
        : input.optimizer
  const params = input.layers.reduce((sum, layer) => sum + layer.params, 0)
  const outputs = input.layers.reduce((sum, layer) => sum + layer.outputShape.reduce((a, b) => a * b, 1), 0)
  const state = STATE_FLOATS_PER_PARAM[kind] * params
  const share = (images: number) => Math.ceil(images / input.replicas)
  const floats: Record<MemoryMoment, number> = {
    parameters: UPDATE_FLOATS_PER_PARAM[kind] * params,
    training:
      TRAIN_FLOATS_PER_PARAM * params + state + TRAIN_FLOATS_PER_OUTPUT * outputs * share(input.batchSize),
    validation:
      params + state + EVAL_FLOATS_PER_OUTPUT * outputs * share(validationBatchSize(input.batchSize)),
  }
  const moments = {
    parameters: BASE_BYTES + FLOAT * floats.parameters,
    training: BASE_BYTES + FLOAT * floats.training,
    validation: BASE_BYTES + FLOAT * floats.validation,
  }
  const cause = (Object.keys(moments) as MemoryMoment[]).reduce((a, b) => (moments[b] > moments[a] ? b : a))
  return { perInstanceBytes: moments[cause], totalBytes: moments[cause] * input.replicas, cause, moments }
}

/**
 * Why a run does not fit its memory, as a sentence with the estimate and the limit; null when it
 * fits.
 */
export function memoryProblem(
  estimate: MemoryEstimate,
  input: MemoryInput,
  /** The machine's memory. */
  machineBytes: number,
): string | null {
  const why = {
    parameters: 'its weights and the optimizer’s update',
    training: `the layer outputs of ${input.replicas > 1 ? 'its share of ' : ''}each batch of ${input.batchSize} images`,
    validation: `validating ${validationBatchSize(input.batchSize)} images at a time`,
  }[estimate.cause]
  const fix =
    estimate.cause === 'parameters'
      ? 'use fewer filters or units'
      : 'lower the batch size or use fewer filters'
  if (input.backend === 'wasm' && estimate.perInstanceBytes > WASM_INSTANCE_LIMIT) {
    const each = input.replicas > 1 ? 'each of its wasm replicas' : 'its wasm instance'
    return `This run needs about ${formatBytes(estimate.perInstanceBytes)} in ${each}, mostly for ${why}, more than the ${formatBytes(WASM_INSTANCE_LIMIT)} a wasm instance can address; ${fix}.`
  }
  if (estimate.totalBytes > machineBytes) {
    return `This run needs about ${formatBytes(estimate.totalBytes)} of memory, mostly for ${why}, more than this machine’s ${formatBytes(machineBytes)}; ${fix}.`
  }
  return null
}

/** Bytes for people: "512 MiB", "6.4 GiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${(bytes / GIB).toFixed(bytes >= 10 * GIB ? 0 : 1)} GiB`
  return `${Math.max(1, Math.round(bytes / MIB))} MiB`
}
