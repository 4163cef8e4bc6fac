/**
 * One forward pass that returns what every conv, batch-norm and pool layer made of an image
 * (global average pooling as 1x1 maps), and the logits: a tfjs model over the trained one's
 * layers with all those outputs (the layers and weights are shared, nothing is copied).
 */
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'

const INSPECTED = new Set([
  'Conv2D',
  'BatchNormalization',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
])

/** What a probe returns for one image. */
export interface ProbeOutput {
  layers: { name: string; type: string; shape: [number, number, number]; data: Float32Array }[]
  logits: Float32Array
}

export interface LayerProbe {
  /** The inspected layers in order: name, class name, [height, width, channels]. */
  layers: { name: string; type: string; shape: [number, number, number] }[]
  /** Runs one image ([rows, cols, 1] values, already normalised); dropout is off. */
  run(input: Float32Array): Promise<ProbeOutput>
  /** The first conv layer's kernels, [kh, kw, inChannels, filters], or null without one. */
  firstConvKernels(): Promise<{ shape: number[]; data: Float32Array } | null>
}

/**
 * A probe over the feature-map layers of `model` (a trained Sequential or functional model): its
 * convs, pools, global pooling, and the batch norms that follow a conv (not those of dense layers).
 */
export function createLayerProbe(model: tfl.LayersModel): LayerProbe {
  const inspected = model.layers.filter((layer) => {
    const type = layer.getClassName()
    const rank = (layer.outputShape as (number | null)[]).length
    return INSPECTED.has(type) && (type !== 'BatchNormalization' || rank === 4)
  })
  const layers = inspected.map((layer) => {
    const shape = layer.outputShape as (number | null)[]
    const mapShape = shape.length === 4 ? [shape[1]!, shape[2]!, shape[3]!] : [1, 1, shape[1]!]
    return { name: layer.name, type: layer.getClassName(), shape: mapShape as [number, number, number] }
  })
  const outputs = [...inspected.map((layer) => layer.output as tfl.SymbolicTensor), model.outputs[0]]
  const probe = tfl.model({ inputs: model.inputs, outputs })
  const [, rows, cols, channels] = model.inputs[0].shape as number[]

  return {
    layers,
    async run(input) {
      const results = tf.tidy(() => {
        const x = tf.tensor4d(input, [1, rows, cols, channels])
        return probe.predict(x) as tf.Tensor[]
      })
      try {
        const data = await Promise.all(results.map((t) => t.data() as Promise<Float32Array>))
        return {
          layers: layers.map((layer, i) => ({ ...layer, data: data[i] })),
          logits: data[data.length - 1],
        }
      } finally {
        tf.dispose(results)
      }
    },
    async firstConvKernels() {
      const conv = inspected.find((layer) => layer.getClassName() === 'Conv2D')
      if (!conv) return null
      const kernel = conv.getWeights()[0]
      // Read asynchronously: webgpu cannot read a GPU buffer synchronously in Node.
      return { shape: kernel.shape, data: (await kernel.data()) as Float32Array }
    },
  }
}

/** Softmax of logits, computed stably in float64. */
export function softmax(logits: ArrayLike<number>): number[] {
  let peak = -Infinity
  for (let i = 0; i < logits.length; i++) peak = Math.max(peak, logits[i])
  const exps = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i] - peak))
  const sum = exps.reduce((a, b) => a + b, 0)
  return exps.map((e) => e / sum)
}

/** The index of the largest value. */
export function argmax(values: ArrayLike<number>, from = 0, length = values.length - from): number {
  let best = 0
  for (let i = 1; i < length; i++) if (values[from + i] > values[from + best]) best = i
  return best
}
