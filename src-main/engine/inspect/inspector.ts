/**
 * Looking inside a run's network on the main side: one image's activations, the test-set
 * evaluation, and test images by index. Each request reads the run's record (for its data set),
 * uses the newest checkpoint (see ModelCache) and answers in the contract's compact shapes.
 */
import type { ActivationsResult, EvaluationResult, ImagesResult, RunRecord } from '@common/contract'
import type { ImageInput } from '@common/datasets'
import type { inspectImageSchema } from '@common/requests'
import type { BackendPreference } from '@common/schemas'
import type { z } from 'zod'
import { activateBackend } from '../backend'
import { decodeImage, decoderReason, loadDataset, normalizePixels, type Dataset } from '../data'
import { UserError } from '../errors'
import { mixSeed } from '../train/rng'
import { RunStore } from '../runs/store'
import { encodeTensor } from './encode'
import { evaluateModel } from './evaluate'
import { ModelCache, type InspectedModel } from './model-cache'
import { preprocessMnist, resizeImage } from './preprocess'
import { argmax, softmax } from './probe'

/** The image to look at, after the contract's schema filled in its defaults. */
export type InspectImage = z.output<typeof inspectImageSchema>

export interface RunInspectorOptions {
  home: string
  /** Progress of an evaluation, after every chunk. */
  onProgress?: (runId: string, done: number, total: number) => void
  /** Which backend to run on; `auto` takes the best this machine has. */
  backend?: BackendPreference
  /** Images a forward pass in an evaluation. */
  chunkSize?: number
}

interface CachedEvaluation {
  epoch: number
  result: Promise<EvaluationResult>
}

export class RunInspector {
  private readonly store: RunStore
  private readonly models = new ModelCache()
  private readonly evaluations = new Map<string, CachedEvaluation>()
  private backend: Promise<unknown> | null = null

  constructor(private readonly options: RunInspectorOptions) {
    this.store = new RunStore(options.home)
  }

  /** What every conv and pool layer makes of one image, the class probabilities, conv1's filters. */
  async activations(runId: string, image: InspectImage): Promise<ActivationsResult> {
    const { record, dataset } = await this.open(runId)
    const { pixels, index, label } = await pickImage(dataset, image)
    const input = normalizePixels(pixels)
    return this.withModel(record, async ({ epoch, probe }) => {
      const out = await probe.run(input)
      const probabilities = softmax(out.logits)
      const kernels = await probe.firstConvKernels()
      return {
        runId,
        checkpointEpoch: epoch,
        input: encodeTensor(input, [dataset.rows, dataset.cols, dataset.channels]),
        index,
        label,
        classNames: dataset.classNames,
        probabilities,
        predicted: argmax(probabilities),
        layers: out.layers.map((layer) => ({
          name: layer.name,
          type: layer.type,
          activations: encodeTensor(layer.data, layer.shape),
        })),
        filters: kernels ? encodeTensor(kernels.data, kernels.shape) : encodeTensor(new Float32Array(0), [0]),
      }
    })
  }

  /** The newest checkpoint's score on the whole test set; the same checkpoint's is kept. */
  async evaluate(runId: string): Promise<EvaluationResult> {
    const { record, dataset } = await this.open(runId)
    return this.withModel(record, async (model) => {
      const cached = this.evaluations.get(runId)
      if (cached && cached.epoch === model.epoch) return cached.result
      const result = this.runEvaluation(runId, model, dataset)
      const entry = { epoch: model.epoch, result }
      this.evaluations.set(runId, entry)
      result.catch(() => {
        if (this.evaluations.get(runId) === entry) this.evaluations.delete(runId)
      })
      return result
    })
  }

  /** Test images by index, in the order asked. */
  async images(runId: string, indices: number[]): Promise<ImagesResult> {
    const { dataset } = await this.open(runId)
    const { rows, cols, channels, test } = dataset
    const size = rows * cols * channels
    const pixels = new Uint8Array(indices.length * size)
    const labels = indices.map((index, i) => {
      requireTestIndex(dataset, index, 'indices')
      pixels.set(test.images.subarray(index * size, (index + 1) * size), i * size)
      return test.labels[index]
    })
    return { rows, cols, channels, pixelsBase64: Buffer.from(pixels).toString('base64'), labels }
  }

  /** Forgets every loaded model and evaluation. */
  dispose(): void {
    this.models.clear()
    this.evaluations.clear()
  }

  private async runEvaluation(
    runId: string,
    model: InspectedModel,
    dataset: Dataset,
  ): Promise<EvaluationResult> {
    const evaluation = await evaluateModel(
      model.model,
      { rows: dataset.rows, cols: dataset.cols, channels: dataset.channels, ...dataset.test },
      {
        numClasses: dataset.classNames.length,
        chunkSize: this.options.chunkSize,
        onProgress: (done, total) => this.options.onProgress?.(runId, done, total),
      },
    )
    const { predicted, ...figures } = evaluation
    return {
      runId,
      checkpointEpoch: model.epoch,
      classNames: dataset.classNames,
      ...figures,
      labelsBase64: Buffer.from(dataset.test.labels).toString('base64'),
      predictedBase64: Buffer.from(predicted).toString('base64'),
    }
  }

  private async open(runId: string): Promise<{ record: RunRecord; dataset: Dataset }> {
    let record: RunRecord
    try {
      record = await this.store.read(runId)
    } catch (error) {
      if (error instanceof UserError) throw new UserError(error.message, error.code, 'runId')
      throw error
    }
    const dataset = await loadDataset(record.config.dataset, { home: this.options.home })
    return { record, dataset }
  }

  private async withModel<T>(record: RunRecord, use: (model: InspectedModel) => Promise<T>): Promise<T> {
    this.backend ??= activateBackend(this.options.backend ?? 'auto').catch((error: unknown) => {
      this.backend = null
      throw error
    })
    await this.backend
    return this.models.use(record.id, this.store.paths(record.id).checkpoints, use)
  }
}

/** The image an input names, as bytes of the data set's shape, with its test index and label. */
export async function pickImage(
  dataset: Dataset,
  image: InspectImage,
): Promise<{ pixels: Uint8Array; index: number | null; label: number | null }> {
  const { rows, cols, channels, test } = dataset
  const size = rows * cols * channels
  switch (image.kind) {
    case 'test': {
      requireTestIndex(dataset, image.index, 'image.index')
      const index = image.index
      return { pixels: test.images.slice(index * size, (index + 1) * size), index, label: test.labels[index] }
    }
    case 'random': {
      const members = classMembers(dataset)[image.label] ?? []
      if (members.length === 0) {
        throw new UserError(`The test set has no image of class ${image.label}.`, 'invalid', 'image.label')
      }
      const index = members[mixSeed(image.seed, image.label) % members.length]
      return { pixels: test.images.slice(index * size, (index + 1) * size), index, label: image.label }
    }
    case 'pixels': {
      const bytes = Buffer.from(image.pixelsBase64, 'base64')
      if (bytes.length !== image.width * image.height) {
        throw new UserError(
          `The image has ${bytes.length} pixels, not the ${image.width}x${image.height} it says.`,
          'invalid',
          'image.pixelsBase64',
        )
      }
      const grey = { width: image.width, height: image.height, pixels: new Uint8Array(bytes) }
      const pixels =
        image.preprocess === 'mnist' ? preprocessMnist(grey, rows, cols) : resizeImage(grey, rows, cols)
      return { pixels: channels === 1 ? pixels : repeatChannels(pixels, channels), index: null, label: null }
    }
    case 'file': {
      try {
        const decoded = await decodeImage(Buffer.from(image.bytesBase64, 'base64'), inputOf(dataset))
        return { pixels: decoded.pixels, index: null, label: null }
      } catch (error) {
        throw new UserError(
          `The file cannot be read as an image: ${decoderReason(error)}.`,
          'invalid',
          'image.bytesBase64',
        )
      }
    }
  }
}

/** How images become the data set's input: a folder's as it was decoded, a named set's own. */
export function inputOf(dataset: Dataset): ImageInput {
  return (
    dataset.report?.input ?? {
      inputSize: dataset.rows,
      color: dataset.channels === 3 ? 'rgb' : 'grey',
      fit: 'crop',
    }
  )
}

/** A grey image with its value in every channel. */
function repeatChannels(grey: Uint8Array, channels: number): Uint8Array {
  const out = new Uint8Array(grey.length * channels)
  for (let i = 0; i < grey.length; i++) out.fill(grey[i], i * channels, (i + 1) * channels)
  return out
}

function requireTestIndex(dataset: Dataset, index: number, field: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= dataset.test.count) {
    throw new UserError(
      `There is no test image ${index}: the test set has ${dataset.test.count} images (0 to ${dataset.test.count - 1}).`,
      'invalid',
      field,
    )
  }
}

const membersByDataset = new WeakMap<Dataset, number[][]>()

/** Test-set indices of each class, computed once per loaded data set. */
function classMembers(dataset: Dataset): number[][] {
  let members = membersByDataset.get(dataset)
  if (!members) {
    const byClass: number[][] = dataset.classNames.map(() => [])
    dataset.test.labels.forEach((label, index) => byClass[label]?.push(index))
    members = byClass
    membersByDataset.set(dataset, members)
  }
  return members
}
