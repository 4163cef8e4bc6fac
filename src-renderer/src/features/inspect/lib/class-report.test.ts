import { describe, expect, it } from 'vitest'
import { classReport } from './class-report'

describe('classReport', () => {
  it('gives precision, recall and F1 of each class as scikit-learn does', () => {
    // 3 classes; class 1 takes class 0's mistakes, class 2 is never predicted.
    const report = classReport([
      [8, 2, 0],
      [0, 5, 0],
      [1, 3, 0],
    ])
    expect(report[0]).toEqual({ precision: 8 / 9, recall: 0.8, f1: expect.closeTo(0.8421, 4), support: 10 })
    expect(report[1]).toEqual({ precision: 0.5, recall: 1, f1: expect.closeTo(0.6667, 4), support: 5 })
    // Never predicted: no precision to speak of, and so no F1; recall 0.
    expect(report[2]).toEqual({ precision: null, recall: 0, f1: null, support: 4 })
  })

  it('has no recall for a class with no image, and F1 0 where both are 0', () => {
    expect(
      classReport([
        [0, 0],
        [3, 0],
      ])[0],
    ).toMatchObject({ recall: null, support: 0 })
    expect(
      classReport([
        [0, 2],
        [3, 0],
      ])[0],
    ).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 })
  })
})
