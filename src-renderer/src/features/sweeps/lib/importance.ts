/**
 * Parameter importance of a sweep, as W&B's sweeps show it: a small random forest of regression
 * trees predicts the metric from the parameters, and a parameter's importance is how much worse
 * the forest predicts its trees' out-of-bag trials when that parameter's values are shuffled
 * among them (permutation importance). Beside it, each parameter's linear correlation with the
 * metric: importance says whether a parameter matters, correlation says which way, and a
 * parameter with a sweet spot in the middle has high importance and a correlation near zero.
 * Seeded, so the same trials always give the same bars.
 */

/** A parameter as the forest sees it: numbers as they are (log-scaled ones as their log). */
export interface ImportanceInput {
  /** One row per trial: the parameters' numeric values, in `names` order. */
  rows: readonly (readonly number[])[]
  /** The metric of each trial. */
  metric: readonly number[]
  names: readonly string[]
  /** Parameters whose values are categories (their numbers are indices), which have no correlation. */
  categorical?: ReadonlySet<string>
}

export interface ParameterImportance {
  name: string
  /** Share of the total importance, 0 to 1 (the importances sum to 1 unless all are 0). */
  importance: number
  /** Pearson correlation with the metric, -1 to 1; null for categories or constant values. */
  correlation: number | null
}

export interface ForestOptions {
  trees?: number
  seed?: number
  maxDepth?: number
  minLeaf?: number
  /** Shuffles per tree and parameter, averaged. */
  repeats?: number
}

/** Fewer trials than this say nothing about importance. */
export const MIN_TRIALS_FOR_IMPORTANCE = 4

/** mulberry32: a small seeded generator, enough for bootstraps and shuffles. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Tree = { value: number } | { feature: number; threshold: number; left: Tree; right: Tree }

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length)
}

function sumSquares(values: readonly number[]): number {
  const m = mean(values)
  return values.reduce((s, v) => s + (v - m) ** 2, 0)
}

interface Grow {
  rows: readonly (readonly number[])[]
  y: readonly number[]
  random: () => number
  maxDepth: number
  minLeaf: number
  tries: number
}

/** A regression tree (CART, variance reduction) over the trials `index`, trying `tries` parameters a split. */
function grow(g: Grow, index: readonly number[], depth: number): Tree {
  const ys = index.map((i) => g.y[i])
  const leaf = { value: mean(ys) }
  if (depth >= g.maxDepth || index.length < 2 * g.minLeaf) return leaf
  const parent = sumSquares(ys)
  if (parent <= 1e-12) return leaf
  const features = g.rows[0].map((_, j) => j)
  for (let k = features.length - 1; k > 0; k--) {
    const r = Math.floor(g.random() * (k + 1))
    ;[features[k], features[r]] = [features[r], features[k]]
  }
  let best: { feature: number; threshold: number; gain: number } | null = null
  const total = ys.reduce((a, v) => a + v, 0)
  const totalSquares = ys.reduce((a, v) => a + v * v, 0)
  for (const feature of features.slice(0, g.tries)) {
    const sorted = [...index].sort((a, b) => g.rows[a][feature] - g.rows[b][feature])
    // Running sums make each cut's two variances O(1): sum of squares minus sum squared over n.
    let sum = 0
    let squares = 0
    for (let cut = 1; cut < sorted.length; cut++) {
      const y = g.y[sorted[cut - 1]]
      sum += y
      squares += y * y
      if (cut < g.minLeaf || sorted.length - cut < g.minLeaf) continue
      const lo = g.rows[sorted[cut - 1]][feature]
      const hi = g.rows[sorted[cut]][feature]
      if (hi === lo) continue
      const right = sorted.length - cut
      const gain =
        parent - (squares - (sum * sum) / cut) - (totalSquares - squares - (total - sum) ** 2 / right)
      if (!best || gain > best.gain) best = { feature, threshold: (lo + hi) / 2, gain }
    }
  }
  if (!best || best.gain <= 1e-12) return leaf
  const { feature, threshold } = best
  return {
    feature,
    threshold,
    left: grow(
      g,
      index.filter((i) => g.rows[i][feature] <= threshold),
      depth + 1,
    ),
    right: grow(
      g,
      index.filter((i) => g.rows[i][feature] > threshold),
      depth + 1,
    ),
  }
}

function predict(tree: Tree, row: readonly number[]): number {
  let node = tree
  while (!('value' in node)) node = row[node.feature] <= node.threshold ? node.left : node.right
  return node.value
}

function squaredError(tree: Tree, rows: readonly (readonly number[])[], y: readonly number[]): number {
  return rows.reduce((s, row, i) => s + (predict(tree, row) - y[i]) ** 2, 0) / Math.max(1, rows.length)
}

/** Pearson's correlation of two equally long lists; null when either is constant. */
export function correlation(a: readonly number[], b: readonly number[]): number | null {
  const ma = mean(a)
  const mb = mean(b)
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb)
    saa += (a[i] - ma) ** 2
    sbb += (b[i] - mb) ** 2
  }
  if (saa <= 1e-15 || sbb <= 1e-15) return null
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)))
}

/** Each parameter's permutation importance in a seeded random forest, and its correlation with the metric. */
export function parameterImportance(
  input: ImportanceInput,
  options: ForestOptions = {},
): ParameterImportance[] {
  const { rows, metric, names } = input
  const random = seededRandom(options.seed ?? 1)
  const p = names.length
  const raw = new Array<number>(p).fill(0)
  const counted = new Array<number>(p).fill(0)
  if (rows.length >= MIN_TRIALS_FOR_IMPORTANCE && p > 0) {
    const g: Grow = {
      rows,
      y: metric,
      random,
      maxDepth: options.maxDepth ?? 6,
      minLeaf: options.minLeaf ?? 1,
      // A third of the parameters a split, as regression forests do, but at least one.
      tries: Math.max(1, Math.round(p / 3)),
    }
    const n = rows.length
    for (let t = 0; t < (options.trees ?? 100); t++) {
      const bag = Array.from({ length: n }, () => Math.floor(random() * n))
      const inBag = new Set(bag)
      const outOfBag = [...Array(n).keys()].filter((i) => !inBag.has(i))
      // A small sweep leaves a tree one or two trials it never saw: too few to shuffle, so such a
      // tree is judged on every trial instead (optimistic, but it still ranks the parameters).
      const oob = outOfBag.length >= 3 ? outOfBag : [...Array(n).keys()]
      const tree = grow(g, bag, 0)
      const oobRows = oob.map((i) => rows[i])
      const oobY = oob.map((i) => metric[i])
      const base = squaredError(tree, oobRows, oobY)
      for (let j = 0; j < p; j++) {
        let worse = 0
        const repeats = options.repeats ?? 3
        for (let r = 0; r < repeats; r++) {
          const column = oobRows.map((row) => row[j])
          for (let k = column.length - 1; k > 0; k--) {
            const s = Math.floor(random() * (k + 1))
            ;[column[k], column[s]] = [column[s], column[k]]
          }
          const shuffled = oobRows.map((row, i) => row.map((v, c) => (c === j ? column[i] : v)))
          worse += squaredError(tree, shuffled, oobY) - base
        }
        raw[j] += worse / repeats
        counted[j]++
      }
    }
  }
  // A shuffle that happened to help is noise, not negative importance.
  const positive = raw.map((v, j) => Math.max(0, counted[j] ? v / counted[j] : 0))
  const total = positive.reduce((s, v) => s + v, 0)
  return names.map((name, j) => ({
    name,
    importance: total > 0 ? positive[j] / total : 0,
    correlation: input.categorical?.has(name)
      ? null
      : correlation(
          rows.map((row) => row[j]),
          metric,
        ),
  }))
}
