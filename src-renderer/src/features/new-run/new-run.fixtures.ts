/** Answers of the main side for the new-run form's tests. */
import type { DatasetPreview, ModelSummary } from '@common/contract'
import type { DatasetRef } from '@common/schemas'

/** A preview of `ref` with one 2x2 sample of class 0. */
export function datasetPreview(ref: DatasetRef): DatasetPreview {
  return {
    ref,
    rows: 2,
    cols: 2,
    channels: 1,
    pixelsBase64: 'AAAAAA==',
    labels: [0],
    classNames: ['zero', 'one'],
    trainClassCounts: [6, 4],
    testClassCounts: [1, 1],
    report: null,
  }
}

/** A network summary of one dense layer holding `totalParams` parameters. */
export function modelSummary(totalParams: number): ModelSummary {
  return { layers: [{ name: 'dense', type: 'Dense', outputShape: [10], params: totalParams }], totalParams }
}
