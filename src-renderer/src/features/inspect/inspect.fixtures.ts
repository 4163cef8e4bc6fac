/** Answers of the main side for the inspector's tests. */
import type { ActivationsResult, EncodedTensor, EvaluationResult } from '@common/contract'

const tensor = (shape: number[]): EncodedTensor => ({
  shape,
  dataBase64: btoa(String.fromCharCode(...new Uint8Array(shape.reduce((a, b) => a * b, 4)))),
  min: 0,
  max: 0,
})

/** What a run's checkpoint of `checkpointEpoch` made of test image `index`. */
export function activations(runId: string, checkpointEpoch: number, index = 0): ActivationsResult {
  return {
    runId,
    checkpointEpoch,
    input: tensor([2, 2, 1]),
    index,
    label: 1,
    classNames: ['zero', 'one'],
    probabilities: [0.25, 0.75],
    predicted: 1,
    layers: [{ name: 'conv2d_1', type: 'Conv2D', activations: tensor([1, 1, 2]) }],
    filters: tensor([1, 1, 1, 2]),
  }
}

/** A test-set evaluation of a run's checkpoint of `checkpointEpoch` at `accuracy`. */
export function evaluation(runId: string, checkpointEpoch: number, accuracy = 0.75): EvaluationResult {
  return {
    runId,
    checkpointEpoch,
    count: 4,
    accuracy,
    loss: 0.5,
    classNames: ['zero', 'one'],
    confusion: [
      [1, 1],
      [0, 2],
    ],
    perClass: [
      { label: 0, count: 2, accuracy: 0.5 },
      { label: 1, count: 2, accuracy: 1 },
    ],
    misclassified: [{ index: 1, label: 0, predicted: 1, confidence: 0.6 }],
    labelsBase64: btoa('\x00\x00\x01\x01'),
    predictedBase64: btoa('\x00\x01\x01\x01'),
  }
}
