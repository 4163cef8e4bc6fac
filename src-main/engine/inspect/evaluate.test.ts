import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildModel } from '../model/build-model'
import { TINY_ARCHITECTURE, barImages } from '../train/test-data'
import { normalizePixels } from '../data'
import { evaluateModel } from './evaluate'

tf.env().set('IS_TEST', true)

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('evaluateModel', () => {
  it('counts every image once: the confusion matrix sums to the count and its diagonal is the accuracy', async () => {
    const model = buildModel(TINY_ARCHITECTURE, [12, 12, 1], 10, 3)
    const set = { rows: 12, cols: 12, channels: 1, ...barImages(230, 12, 12, 7) }
    const progress: number[] = []
    const result = await evaluateModel(model, set, {
      numClasses: 10,
      chunkSize: 50,
      onProgress: (done, total) => {
        expect(total).toBe(230)
        progress.push(done)
      },
    })
    expect(progress).toEqual([50, 100, 150, 200, 230])
    const cells = result.confusion.flat()
    expect(cells.reduce((a, b) => a + b, 0)).toBe(230)
    const diagonal = result.confusion.reduce((sum, row, i) => sum + row[i], 0)
    expect(result.accuracy).toBeCloseTo(diagonal / 230, 12)
    expect(result.misclassified.length).toBe(230 - diagonal)
    expect(result.perClass.map((c) => c.count)).toEqual(Array(10).fill(23))

    // The same figures straight from model.predict.
    const logits = tf.tidy(
      () => model.predict(tf.tensor4d(normalizePixels(set.images), [230, 12, 12, 1])) as tf.Tensor,
    )
    const predicted = Array.from(await tf.argMax(logits, 1).data())
    const correct = predicted.filter((p, i) => p === set.labels[i]).length
    expect(result.accuracy).toBeCloseTo(correct / 230, 12)
    const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(set.labels, 'int32'), 10), logits)
    expect(result.loss).toBeCloseTo((await loss.data())[0], 4)
    // Most confident mistakes first, each one really a mistake.
    for (let i = 1; i < result.misclassified.length; i++)
      expect(result.misclassified[i - 1].confidence).toBeGreaterThanOrEqual(
        result.misclassified[i].confidence,
      )
    expect(Array.from(result.predicted)).toEqual(predicted)
    for (const m of result.misclassified) {
      expect(m.predicted).toBe(predicted[m.index])
      expect(m.label).toBe(set.labels[m.index])
    }
    model.dispose()
  })
})
