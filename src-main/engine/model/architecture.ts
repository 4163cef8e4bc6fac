/**
 * The shape arithmetic of a network, without tfjs: which layers an architecture makes, what each
 * outputs and how many parameters it has. The main process uses it to validate a configuration
 * and to answer `model.summary` without loading a compute backend.
 */
import type { Architecture, ConvBlock, DenseLayer } from '@common/schemas'
import type { LayerSummary, ModelSummary } from '@common/contract'
import { UserError } from '../errors'

/** Height, width, channels of one input image. */
export type InputShape = [number, number, number]

export const DEFAULT_INPUT_SHAPE: InputShape = [28, 28, 1]
export const DEFAULT_CLASS_COUNT = 10
/** Above this a network would not fit the memory the app can count on (weights + Adam's state). */
export const MAX_PARAMS = 50_000_000

/** One layer the builder will create, with everything needed to build it. */
export type LayerPlan =
  | (LayerSummary & { kind: 'conv'; block: ConvBlock })
  | (LayerSummary & { kind: 'pool'; pooling: 'max' | 'avg' })
  | (LayerSummary & { kind: 'flatten' })
  | (LayerSummary & { kind: 'dense'; layer: DenseLayer })
  | (LayerSummary & { kind: 'dropout'; rate: number })
  | (LayerSummary & { kind: 'output'; units: number })

/** The layers of an architecture in order; throws UserError naming the block that cannot work. */
export function planLayers(
  architecture: Architecture,
  inputShape: InputShape = DEFAULT_INPUT_SHAPE,
  numClasses = DEFAULT_CLASS_COUNT,
): LayerPlan[] {
  const plan: LayerPlan[] = []
  let [height, width, channels] = inputShape
  architecture.convBlocks.forEach((block, index) => {
    const n = index + 1
    const field = `architecture.convBlocks.${index}`
    const stride = block.stride ?? 1
    const outHeight = convOutput(height, block.kernelSize, stride, block.padding)
    const outWidth = convOutput(width, block.kernelSize, stride, block.padding)
    if (outHeight < 1 || outWidth < 1) {
      throw new UserError(
        `Conv block ${n} leaves no pixels: its ${block.kernelSize}x${block.kernelSize} kernel does not fit the ${height}x${width} input it gets.`,
        'invalid',
        field,
      )
    }
    const params = block.kernelSize * block.kernelSize * channels * block.filters + block.filters
    ;[height, width, channels] = [outHeight, outWidth, block.filters]
    plan.push({
      kind: 'conv',
      name: `conv${n}`,
      type: 'Conv2D',
      outputShape: [height, width, channels],
      params,
      block,
    })
    if (block.pooling === 'none') return
    if (height < 2 || width < 2) {
      throw new UserError(
        `Conv block ${n} leaves no pixels: its 2x2 pooling cannot shrink a ${height}x${width} feature map.`,
        'invalid',
        field,
      )
    }
    height = Math.floor(height / 2)
    width = Math.floor(width / 2)
    const type = block.pooling === 'max' ? 'MaxPooling2D' : 'AveragePooling2D'
    plan.push({
      kind: 'pool',
      name: `pool${n}`,
      type,
      outputShape: [height, width, channels],
      params: 0,
      pooling: block.pooling,
    })
  })
  let features = height * width * channels
  plan.push({ kind: 'flatten', name: 'flatten', type: 'Flatten', outputShape: [features], params: 0 })
  architecture.denseLayers.forEach((layer, index) => {
    const n = index + 1
    plan.push({
      kind: 'dense',
      name: `dense${n}`,
      type: 'Dense',
      outputShape: [layer.units],
      params: features * layer.units + layer.units,
      layer,
    })
    features = layer.units
    if (layer.dropout > 0) {
      plan.push({
        kind: 'dropout',
        name: `dropout${n}`,
        type: 'Dropout',
        outputShape: [features],
        params: 0,
        rate: layer.dropout,
      })
    }
  })
  plan.push({
    kind: 'output',
    name: 'output',
    type: 'Dense',
    outputShape: [numClasses],
    params: features * numClasses + numClasses,
    units: numClasses,
  })
  const total = totalParams(plan)
  if (total > MAX_PARAMS) {
    throw new UserError(
      `The network has ${total.toLocaleString('en-US')} parameters, more than the ${MAX_PARAMS.toLocaleString('en-US')} the workbench can train; use fewer filters or units, or more pooling.`,
      'invalid',
      'architecture',
    )
  }
  return plan
}

/** Layer names, output shapes and parameter counts; throws UserError for an impossible network. */
export function summarizeModel(
  architecture: Architecture,
  inputShape: InputShape = DEFAULT_INPUT_SHAPE,
  numClasses = DEFAULT_CLASS_COUNT,
): ModelSummary {
  const plan = planLayers(architecture, inputShape, numClasses)
  const layers = plan.map(({ name, type, outputShape, params }) => ({ name, type, outputShape, params }))
  return { layers, totalParams: totalParams(plan) }
}

function totalParams(plan: LayerPlan[]): number {
  return plan.reduce((sum, layer) => sum + layer.params, 0)
}

function convOutput(size: number, kernel: number, stride: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1
}
