/**
 * A tfjs layers model (model.json's topology and its weights) as an ONNX graph, read from the
 * files alone, without tfjs. tfjs computes channels-last (NHWC) and ONNX's convolutions and
 * pooling channels-first (NCHW): the graph takes the workbench's NHWC input and transposes it
 * once; convolution kernels are transposed to [out, in, h, w]; and the dense layer after a
 * Flatten takes its rows in channels-first order (tfjs flattens (h, w, c), ONNX (c, h, w)).
 * The logits end in a Softmax, so the output is the class probabilities the workbench shows.
 */
import { z } from 'zod'
import { UserError } from '../errors'
import type { OnnxGraph, OnnxInitializer, OnnxNode } from './onnx'

/** The graph's input and output names, which a deployment feeds and reads. */
export const ONNX_INPUT = 'input'
export const ONNX_OUTPUT = 'probabilities'

const pair = z.tuple([z.number().int().min(1), z.number().int().min(1)])
const activation = z.enum(['relu', 'elu', 'tanh', 'sigmoid', 'linear', 'softmax']).default('linear')
const channelsLast = z.literal('channels_last').default('channels_last')
const padding = z.enum(['valid', 'same']).default('valid')

/** The layers the workbench builds, as their model.json config holds them (other keys ignored). */
const layerSchema = z.discriminatedUnion('class_name', [
  z.object({
    class_name: z.literal('Conv2D'),
    config: z.object({
      name: z.string(),
      filters: z.number().int(),
      kernel_size: pair,
      strides: pair,
      padding,
      data_format: channelsLast,
      dilation_rate: z.tuple([z.literal(1), z.literal(1)]).default([1, 1]),
      activation,
      use_bias: z.boolean().default(true),
    }),
  }),
  z.object({
    class_name: z.literal('BatchNormalization'),
    config: z.object({
      name: z.string(),
      axis: z.literal(-1),
      epsilon: z.number(),
      center: z.boolean().default(true),
      scale: z.boolean().default(true),
    }),
  }),
  z.object({
    class_name: z.enum(['MaxPooling2D', 'AveragePooling2D']),
    config: z.object({
      name: z.string(),
      pool_size: pair,
      strides: pair,
      padding,
      data_format: channelsLast,
    }),
  }),
  z.object({
    class_name: z.literal('GlobalAveragePooling2D'),
    config: z.object({ name: z.string(), data_format: channelsLast }),
  }),
  z.object({ class_name: z.literal('Flatten'), config: z.object({ name: z.string() }) }),
  z.object({ class_name: z.literal('Dropout'), config: z.object({ name: z.string() }) }),
  z.object({
    class_name: z.literal('Dense'),
    config: z.object({
      name: z.string(),
      units: z.number().int(),
      activation,
      use_bias: z.boolean().default(true),
    }),
  }),
])
type Layer = z.infer<typeof layerSchema>
type Activation = z.infer<typeof activation>

const weightsManifestSchema = z.array(
  z.object({
    weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), dtype: z.string() })),
  }),
)

/** A checkpoint's model.json, as far as the conversion reads it. */
export const layersModelJsonSchema = z.object({
  modelTopology: z.object({
    class_name: z.literal('Sequential'),
    config: z.object({ layers: z.array(z.object({ class_name: z.string(), config: z.unknown() })).min(1) }),
  }),
  weightsManifest: weightsManifestSchema,
})
export type LayersModelJson = z.infer<typeof layersModelJsonSchema>

/** The weights of a model.json's manifest, by name, read from its weights file. */
export function readWeights(manifest: LayersModelJson['weightsManifest'], bytes: Uint8Array) {
  const weights = new Map<string, { shape: number[]; data: Float32Array }>()
  let offset = 0
  for (const spec of manifest.flatMap((group) => group.weights)) {
    if (spec.dtype !== 'float32')
      throw new UserError(`Weight ${spec.name} is ${spec.dtype}; the ONNX export reads float32 weights only.`)
    const length = spec.shape.reduce((a, b) => a * b, 1)
    if (offset + length * 4 > bytes.length)
      throw new UserError(`The weights file ends before weight ${spec.name}; the checkpoint is damaged.`)
    // A copy, aligned for Float32Array whatever the offset in the file (a Buffer's slice would
    // share, and hand over, the whole of its pool).
    const data = new Float32Array(length)
    new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + length * 4))
    weights.set(spec.name, { shape: spec.shape, data })
    offset += length * 4
  }
  return weights
}

type Weights = ReturnType<typeof readWeights>

/** What flows between layers: NCHW feature maps, or features after flattening. */
type Flow =
  | { kind: 'maps'; name: string; height: number; width: number; channels: number }
  | { kind: 'features'; name: string; size: number; flattenedFrom: [number, number, number] | null }

const inputShapeSchema = z.object({
  batch_input_shape: z.tuple([
    z.null(),
    z.number().int().min(1),
    z.number().int().min(1),
    z.number().int().min(1),
  ]),
})

/** The [height, width, channels] of one input image, from the first layer's config. */
export function inputShapeOf(model: LayersModelJson): [number, number, number] {
  const parsed = inputShapeSchema.safeParse(model.modelTopology.config.layers[0].config)
  if (!parsed.success) throw new UserError('The model does not say the shape of its input images.')
  const [, height, width, channels] = parsed.data.batch_input_shape
  return [height, width, channels]
}

/**
 * The ONNX graph of a Sequential model, its input channels-last as the workbench feeds it.
 * Throws UserError naming a layer the export does not know.
 */
export function layersToOnnx(model: LayersModelJson, weights: Weights): OnnxGraph {
  const [height, width, channels] = inputShapeOf(model)
  const nodes: OnnxNode[] = []
  const initializers: OnnxInitializer[] = []
  const constant = (name: string, dims: number[], data: Float32Array) => {
    initializers.push({ name, dims, data })
    return name
  }
  const weight = (layer: string, key: string) => {
    const found = weights.get(`${layer}/${key}`)
    if (!found) throw new UserError(`The checkpoint has no weight ${layer}/${key}.`)
    return found
  }
  nodes.push({
    opType: 'Transpose',
    name: 'input_to_nchw',
    inputs: [ONNX_INPUT],
    outputs: ['input_nchw'],
    attributes: { perm: { ints: [0, 3, 1, 2] } },
  })
  let flow: Flow = { kind: 'maps', name: 'input_nchw', height, width, channels }

  for (const raw of model.modelTopology.config.layers) {
    const layer = parseLayer(raw)
    const { name } = layer.config
    switch (layer.class_name) {
      case 'Conv2D': {
        const maps = expectMaps(flow, name)
        const {
          kernel_size: [kh, kw],
          strides,
          filters,
        } = layer.config
        const kernel = weight(name, 'kernel')
        const rows = spatial(maps.height, kh, strides[0], layer.config.padding)
        const cols = spatial(maps.width, kw, strides[1], layer.config.padding)
        const inputs = [
          maps.name,
          constant(
            `${name}.weight`,
            [filters, maps.channels, kh, kw],
            hwioToOihw(kernel.data, kh, kw, maps.channels, filters),
          ),
        ]
        if (layer.config.use_bias) inputs.push(constant(`${name}.bias`, [filters], weight(name, 'bias').data))
        nodes.push({
          opType: 'Conv',
          name,
          inputs,
          outputs: [`${name}.out`],
          attributes: {
            kernel_shape: { ints: [kh, kw] },
            strides: { ints: strides },
            pads: { ints: [rows.before, cols.before, rows.after, cols.after] },
            dilations: { ints: [1, 1] },
            group: { int: 1 },
          },
        })
        const out = activate(nodes, name, `${name}.out`, layer.config.activation)
        flow = { kind: 'maps', name: out, height: rows.size, width: cols.size, channels: filters }
        break
      }
      case 'BatchNormalization': {
        const size = flow.kind === 'maps' ? flow.channels : flow.size
        if (flow.kind === 'features' && flow.flattenedFrom)
          throw new UserError(
            `Layer ${name} normalizes flattened maps, which the ONNX export cannot reorder.`,
          )
        const { center, scale, epsilon } = layer.config
        const gamma = scale ? weight(name, 'gamma').data : new Float32Array(size).fill(1)
        const beta = center ? weight(name, 'beta').data : new Float32Array(size)
        nodes.push({
          opType: 'BatchNormalization',
          name,
          inputs: [
            flow.name,
            constant(`${name}.scale`, [size], gamma),
            constant(`${name}.bias`, [size], beta),
            constant(`${name}.mean`, [size], weight(name, 'moving_mean').data),
            constant(`${name}.var`, [size], weight(name, 'moving_variance').data),
          ],
          outputs: [`${name}.out`],
          attributes: { epsilon: { float: epsilon } },
        })
        flow = { ...flow, name: `${name}.out` }
        break
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const maps = expectMaps(flow, name)
        const {
          pool_size: [ph, pw],
          strides,
        } = layer.config
        const rows = spatial(maps.height, ph, strides[0], layer.config.padding)
        const cols = spatial(maps.width, pw, strides[1], layer.config.padding)
        nodes.push({
          opType: layer.class_name === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool',
          name,
          inputs: [maps.name],
          outputs: [`${name}.out`],
          // AveragePool leaves padding out of each mean (count_include_pad 0), as tfjs does.
          attributes: {
            kernel_shape: { ints: [ph, pw] },
            strides: { ints: strides },
            pads: { ints: [rows.before, cols.before, rows.after, cols.after] },
          },
        })
        flow = { ...maps, name: `${name}.out`, height: rows.size, width: cols.size }
        break
      }
      case 'GlobalAveragePooling2D': {
        const maps = expectMaps(flow, name)
        nodes.push({ opType: 'GlobalAveragePool', name, inputs: [maps.name], outputs: [`${name}.pooled`] })
        nodes.push({
          opType: 'Flatten',
          name: `${name}.flatten`,
          inputs: [`${name}.pooled`],
          outputs: [`${name}.out`],
          attributes: { axis: { int: 1 } },
        })
        flow = { kind: 'features', name: `${name}.out`, size: maps.channels, flattenedFrom: null }
        break
      }
      case 'Flatten': {
        const maps = expectMaps(flow, name)
        nodes.push({
          opType: 'Flatten',
          name,
          inputs: [maps.name],
          outputs: [`${name}.out`],
          attributes: { axis: { int: 1 } },
        })
        flow = {
          kind: 'features',
          name: `${name}.out`,
          size: maps.height * maps.width * maps.channels,
          flattenedFrom: [maps.height, maps.width, maps.channels],
        }
        break
      }
      case 'Dropout':
        // Inference: dropout passes its input through.
        break
      case 'Dense': {
        if (flow.kind !== 'features')
          throw new UserError(
            `Layer ${name} is a dense layer on feature maps; the ONNX export needs them flattened first.`,
          )
        const { units } = layer.config
        const kernel = weight(name, 'kernel').data
        const rows = flow.flattenedFrom ? channelsFirstRows(kernel, flow.flattenedFrom, units) : kernel
        const inputs = [flow.name, constant(`${name}.weight`, [flow.size, units], rows)]
        if (layer.config.use_bias) inputs.push(constant(`${name}.bias`, [units], weight(name, 'bias').data))
        nodes.push({ opType: 'Gemm', name, inputs, outputs: [`${name}.out`] })
        const out = activate(nodes, name, `${name}.out`, layer.config.activation)
        flow = { kind: 'features', name: out, size: units, flattenedFrom: null }
        break
      }
    }
  }
  if (flow.kind !== 'features') throw new UserError('The model does not end in a dense layer of classes.')
  const last = nodes.at(-1)
  if (last?.opType !== 'Softmax') {
    nodes.push({
      opType: 'Softmax',
      name: 'softmax',
      inputs: [flow.name],
      outputs: [ONNX_OUTPUT],
      attributes: { axis: { int: 1 } },
    })
  } else {
    nodes[nodes.length - 1] = { ...last, outputs: [ONNX_OUTPUT] }
  }
  return {
    name: 'workbench_cnn',
    nodes,
    initializers,
    inputs: [
      {
        name: ONNX_INPUT,
        dims: ['batch', height, width, channels],
        doc: 'Images, channels-last (NHWC), each pixel scaled to [-1, 1]: (x / 255 - 0.5) / 0.5.',
      },
    ],
    outputs: [{ name: ONNX_OUTPUT, dims: ['batch', flow.size], doc: 'The probability of each class.' }],
  }
}

function parseLayer(raw: { class_name: string; config: unknown }): Layer {
  const parsed = layerSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const name = (raw.config as { name?: unknown } | null)?.name
  const known = layerSchema.options.some(
    (option) => option.shape.class_name.safeParse(raw.class_name).success,
  )
  const what = `layer ${typeof name === 'string' ? name : '?'} (${raw.class_name})`
  if (!known) throw new UserError(`The ONNX export does not know the ${what}.`)
  const issue = parsed.error.issues[0]
  const setting = issue.path.filter((key) => key !== 'config').join('.')
  throw new UserError(`The ONNX export cannot convert the ${what}: ${setting}: ${issue.message}.`)
}

function expectMaps(flow: Flow, layer: string) {
  if (flow.kind !== 'maps')
    throw new UserError(`Layer ${layer} needs feature maps, but it comes after flattening.`)
  return flow
}

/** The output size of a convolution or pooling and its padding before and after, as tfjs pads. */
function spatial(size: number, kernel: number, stride: number, padding: 'valid' | 'same') {
  if (padding === 'valid') return { size: Math.floor((size - kernel) / stride) + 1, before: 0, after: 0 }
  const out = Math.ceil(size / stride)
  // TensorFlow's 'same': the odd pixel of padding goes after.
  const total = Math.max((out - 1) * stride + kernel - size, 0)
  return { size: out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) }
}

/** Appends the activation's node (none for linear); returns the name of the activated output. */
function activate(nodes: OnnxNode[], layer: string, input: string, activation: Activation): string {
  const ops: Record<Activation, string | null> = {
    linear: null,
    relu: 'Relu',
    elu: 'Elu',
    tanh: 'Tanh',
    sigmoid: 'Sigmoid',
    softmax: 'Softmax',
  }
  const opType = ops[activation]
  if (!opType) return input
  const output = `${layer}.${activation}`
  const attributes: OnnxNode['attributes'] =
    opType === 'Elu' ? { alpha: { float: 1 } } : opType === 'Softmax' ? { axis: { int: 1 } } : undefined
  nodes.push({ opType, name: output, inputs: [input], outputs: [output], attributes })
  return output
}

/** A tfjs conv kernel [kh, kw, in, out] as ONNX's [out, in, kh, kw]. */
function hwioToOihw(kernel: Float32Array, kh: number, kw: number, inC: number, outC: number): Float32Array {
  const out = new Float32Array(kernel.length)
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < inC; i++)
        for (let o = 0; o < outC; o++)
          out[((o * inC + i) * kh + y) * kw + x] = kernel[((y * kw + x) * inC + i) * outC + o]
  return out
}

/**
 * A dense kernel whose rows follow tfjs's flattening of [h, w, c] maps, reordered to follow
 * ONNX's flattening of the same maps as [c, h, w].
 */
function channelsFirstRows(
  kernel: Float32Array,
  [h, w, c]: [number, number, number],
  units: number,
): Float32Array {
  const out = new Float32Array(kernel.length)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++) {
        const from = ((y * w + x) * c + ch) * units
        const to = ((ch * h + y) * w + x) * units
        out.set(kernel.subarray(from, from + units), to)
      }
  return out
}
