/**
 * Precision, recall and F1 of each class, from a confusion matrix (confusion[true][predicted]),
 * as scikit-learn's classification_report gives them. What the matrix once called a class's
 * "accuracy" is its recall.
 */

export interface ClassScores {
  /** Of the images predicted as the class, the share that are it; null when none was predicted so. */
  precision: number | null
  /** Of the class's images, the share predicted as it; null when the set has none. */
  recall: number | null
  /** The harmonic mean of the two; null when either is, 0 when both are 0. */
  f1: number | null
  /** The class's images in the set. */
  support: number
}

/** One ClassScores a class, in label order. */
export function classReport(confusion: readonly (readonly number[])[]): ClassScores[] {
  return confusion.map((row, k) => {
    const right = row[k] ?? 0
    const support = row.reduce((a, b) => a + b, 0)
    const predicted = confusion.reduce((sum, r) => sum + (r[k] ?? 0), 0)
    const precision = predicted > 0 ? right / predicted : null
    const recall = support > 0 ? right / support : null
    const f1 =
      precision === null || recall === null
        ? null
        : precision + recall === 0
          ? 0
          : (2 * precision * recall) / (precision + recall)
    return { precision, recall, f1, support }
  })
}
