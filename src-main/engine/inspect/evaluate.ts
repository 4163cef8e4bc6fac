/**
 * A checkpoint's score on the whole test set: accuracy, loss, the confusion matrix, per-class
 * accuracy and every mistake. Runs in chunks and yields to the event loop between them, so the
 * process that runs it (the main process) keeps answering while it works.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { MisclassifiedImage } from '@common/contract'
import { normalizePixels } from '../data'
import { argmax } from './probe'

export interface EvaluationSet {
  rows: number
  cols: number
  channels: number
  /** `count` images of rows x cols x channels bytes. */
  images: Uint8Array
  labels: Uint8Array
  count: number
}

export interface Evaluation {
  count: number
  accuracy: number
  loss: number
  /** confusion[true][predicted] = count */
  confusion: number[][]
  perClass: { label: number; count: number; accuracy: number }[]
  /** Most confident mistakes first. */
  misclassified: MisclassifiedImage[]
  /** The predicted class of every image, in order. */
  predicted: Uint8Array
}

export interface EvaluateOptions {
  numClasses: number
  /** Images a forward pass; each chunk blocks the thread for its duration. */
  chunkSize?: number
  /** After every chunk: images done of total. */
  onProgress?: (done: number, total: number) => void
}

/** Evaluates `model` (logits out) on `set`. */
export async function evaluateModel(
  model: tfl.LayersModel,
  set: EvaluationSet,
  options: EvaluateOptions,
): Promise<Evaluation> {
  const { numClasses, chunkSize = 200, onProgress } = options
  const { rows, cols, channels, count } = set
  const pixelsPerImage = rows * cols * channels
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0))
  const misclassified: MisclassifiedImage[] = []
  const predictions = new Uint8Array(count)
  const input = new Float32Array(chunkSize * pixelsPerImage)
  let lossSum = 0
  let correct = 0

  for (let start = 0; start < count; start += chunkSize) {
    const n = Math.min(chunkSize, count - start)
    normalizePixels(set.images.subarray(start * pixelsPerImage, (start + n) * pixelsPerImage), input)
    const logitsTensor = tf.tidy(
      () =>
        model.predict(
          tf.tensor4d(input.subarray(0, n * pixelsPerImage), [n, rows, cols, channels]),
        ) as tf.Tensor,
    )
    const logits = (await logitsTensor.data()) as Float32Array
    logitsTensor.dispose()
    for (let i = 0; i < n; i++) {
      const index = start + i
      const label = set.labels[index]
      const offset = i * numClasses
      const predicted = argmax(logits, offset, numClasses)
      predictions[index] = predicted
      // Log-softmax in float64 for the cross-entropy and the confidence.
      const peak = logits[offset + predicted]
      let sum = 0
      for (let k = 0; k < numClasses; k++) sum += Math.exp(logits[offset + k] - peak)
      const logSum = peak + Math.log(sum)
      lossSum += logSum - logits[offset + label]
      confusion[label][predicted]++
      if (predicted === label) correct++
      else misclassified.push({ index, label, predicted, confidence: 1 / sum })
    }
    onProgress?.(start + n, count)
    // Let other requests and events through between chunks.
    await new Promise<void>((resolve) => setImmediate(resolve))
  }

  misclassified.sort((a, b) => b.confidence - a.confidence || a.index - b.index)
  const perClass = confusion.map((row, label) => {
    const total = row.reduce((a, b) => a + b, 0)
    return { label, count: total, accuracy: total > 0 ? row[label] / total : 0 }
  })
  return {
    count,
    accuracy: count > 0 ? correct / count : 0,
    loss: count > 0 ? lossSum / count : 0,
    confusion,
    perClass,
    misclassified,
    predicted: predictions,
  }
}
