/**
 * A run's checkpoint as an ONNX model (onnxruntime, PyTorch's importers, most deployment tools
 * read it), converted from the checkpoint's files without loading tfjs. Its metadata says how to
 * prepare an image (the notebook's scaling, channels-last) and what each output means.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { OnnxExport } from '@common/contract'
import { exportFileName } from '@common/export-names'
import { UserError } from '../errors'
import { encodeOnnxModel, type OnnxModel } from '../export/onnx'
import {
  inputShapeOf,
  layersModelJsonSchema,
  layersToOnnx,
  ONNX_INPUT,
  ONNX_OUTPUT,
  readWeights,
} from '../export/layers-to-onnx'
import { chooseCheckpoint } from './export-model'
import { modelMetadata } from './model-metadata'

/** The pixel scaling the workbench trains with: (x / 255 - 0.5) / 0.5, as scale and offset. */
export const ONNX_PREPROCESSING = {
  layout: 'NHWC',
  input: ONNX_INPUT,
  output: ONNX_OUTPUT,
  pixels: '8-bit grey, 0 black to 255 white; MNIST-style images are a light digit on black',
  formula: '(x / 255 - 0.5) / 0.5',
  scale: 2 / 255,
  offset: -1,
} as const

/**
 * The ONNX model of the checkpoint of `epoch` (the latest when absent) of run `id`: NHWC float
 * input scaled as ONNX_PREPROCESSING says, class probabilities out. Throws UserError when the run
 * keeps no such checkpoint or its network has a layer the export does not know.
 */
export async function exportOnnx(
  home: string,
  id: string,
  producerVersion: string,
  epoch?: number,
): Promise<OnnxExport> {
  const chosen = await chooseCheckpoint(home, id, epoch)
  const [json, weightBytes] = await Promise.all([
    readFile(join(chosen.folder, 'model.json'), 'utf8'),
    readFile(join(chosen.folder, 'weights.bin')),
  ])
  const parsed = layersModelJsonSchema.safeParse(JSON.parse(json))
  if (!parsed.success)
    throw new UserError(`The checkpoint of epoch ${chosen.epoch} of run ${id} is not a tfjs layers model.`)
  const graph = layersToOnnx(parsed.data, readWeights(parsed.data.weightsManifest, weightBytes))
  const [height, width, channels] = inputShapeOf(parsed.data)
  const { record } = chosen
  // What the tfjs export says of how to feed the model (resize, fit, colour, class names).
  const feed = record ? modelMetadata(record, [height, width, channels]) : null
  const pixels = channels === 3 ? '8-bit RGB, interleaved (channels last)' : ONNX_PREPROCESSING.pixels
  const model: OnnxModel = {
    graph,
    producerName: 'CNN Workbench',
    producerVersion,
    doc: `${chosen.runName}, epoch ${chosen.epoch}: ${height}x${width}x${channels} images in, class probabilities out.`,
    metadata: {
      preprocessing: JSON.stringify({ ...ONNX_PREPROCESSING, pixels, height, width, channels }),
      ...(feed ? { class_names: JSON.stringify(feed.classNames), input: JSON.stringify(feed) } : {}),
      run_id: id,
      run_name: chosen.runName,
      epoch: String(chosen.epoch),
      ...(record ? { dataset: record.dataset?.title ?? record.config.dataset.kind } : {}),
    },
  }
  return {
    epoch: chosen.epoch,
    fileName: exportFileName(chosen.runName, { kind: 'onnx', epoch: chosen.epoch }, id),
    onnxBase64: Buffer.from(encodeOnnxModel(model)).toString('base64'),
  }
}
