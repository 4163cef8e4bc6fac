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
  | (LayerSummary & { kind: 'conv'; conv: ConvPlan })
  | (LayerSummary & { kind: 'batchNorm' })
  | (LayerSummary & { kind: 'pool'; pooling: 'max' | 'avg' })
  | (LayerSummary & { kind: 'flatten' })
  | (LayerSummary & { kind: 'globalPool' })
  | (LayerSummary & { kind: 'dense'; layer: DenseLayer })
  | (LayerSummary & { kind: 'dropout'; rate: number })
  | (LayerSummary & { kind: 'output'; units: number })

/** One convolution of a block: the block's settings, with the stride only on its last one. */
export interface ConvPlan {
  filters: number
  kernelSize: number
  stride: number
  padding: ConvBlock['padding']
  activation: ConvBlock['activation']
}

/** The layers of an architecture in order; throws UserError naming the block that cannot work. */
export function planLayers(
  architecture: Architecture,
  inputShape: InputShape = DEFAULT_INPUT_SHAPE,
  numClasses = DEFAULT_CLASS_COUNT,
): LayerPlan[] {
  const plan: LayerPlan[] = []
  let [height, width, channels] = inputShape
  const batchNorm = (name: string, shape: number[]) =>
    plan.push({
      kind: 'batchNorm',
      name,
      type: 'BatchNormalization',
      outputShape: shape,
      params: 4 * shape.at(-1)!,
    })
  const dropout = (name: string, rate: number, shape: number[]) =>
    plan.push({ kind: 'dropout', name, type: 'Dropout', outputShape: shape, params: 0, rate })
  architecture.convBlocks.forEach((block, index) => {
    const n = index + 1
    const field = `architecture.convBlocks.${index}`
    for (let k = 1; k <= block.convs; k++) {
      const stride = k === block.convs ? block.stride : 1
      const outHeight = convOutput(height, block.kernelSize, stride, block.padding)
      const outWidth = convOutput(width, block.kernelSize, stride, block.padding)
      if (outHeight < 1 || outWidth < 1) {
        const which = block.convs > 1 ? ` (conv ${k} of ${block.convs})` : ''
        throw new UserError(
          `Conv block ${n} leaves no pixels: its ${block.kernelSize}x${block.kernelSize} kernel${which} does not fit the ${height}x${width} input it gets.`,
          'invalid',
          field,
        )
      }
      const params = block.kernelSize * block.kernelSize * channels * block.filters + block.filters
      ;[height, width, channels] = [outHeight, outWidth, block.filters]
      const name = block.convs > 1 ? `conv${n}_${k}` : `conv${n}`
      const { filters, kernelSize, padding, activation } = block
      plan.push({
        kind: 'conv',
        name,
        type: 'Conv2D',
        outputShape: [height, width, channels],
        params,
        conv: { filters, kernelSize, stride, padding, activation },
      })
      if (block.batchNorm) batchNorm(`${name}_bn`, [height, width, channels])
    }
    if (block.pooling !== 'none') {
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
    }
    if (block.dropout > 0) dropout(`conv${n}_dropout`, block.dropout, [height, width, channels])
  })
  let features: number
  if (architecture.globalPooling === 'avg') {
    features = channels
    plan.push({
      kind: 'globalPool',
      name: 'global_pool',
      type: 'GlobalAveragePooling2D',
      outputShape: [features],
      params: 0,
    })
  } else {
    features = height * width * channels
    plan.push({ kind: 'flatten', name: 'flatten', type: 'Flatten', outputShape: [features], params: 0 })
  }
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
    if (layer.batchNorm) batchNorm(`dense${n}_bn`, [features])
    if (layer.dropout > 0) dropout(`dropout${n}`, layer.dropout, [features])
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
