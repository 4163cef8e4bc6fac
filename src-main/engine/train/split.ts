/**
 * The validation split: part of a run's training images held out for validation, stratified by
 * class (each class gives its share, the remainders going to the classes nearest the next
 * image) and drawn from the run's seed on a stream of its own, so the same run always holds out
 * the same images, and a resumed run too.
 */
import { validationCount } from '@common/recipe'
import type { ImageSet } from './batches'
import { Rng, mixSeed } from './rng'

/** The stream of the run's seed that draws the split (apart from shuffles, dropout and augmentation). */
const SPLIT_STREAM = 0x5e1ec7

/** The training and validation images of a set, each in the set's order. */
export interface SplitSets {
  train: ImageSet
  validation: ImageSet
}

/** Holds out `fraction` of `set` (images of `imageSize` bytes) for validation; `fraction` 0 holds out none. */
export function splitValidation(set: ImageSet, fraction: number, seed: number, imageSize: number): SplitSets {
  const wanted = validationCount(set.count, fraction)
  const held = new Uint8Array(set.count)
  const members = new Map<number, number[]>()
  for (let i = 0; i < set.count; i++) {
    const list = members.get(set.labels[i]) ?? []
    list.push(i)
    members.set(set.labels[i], list)
  }
  const classes = [...members.keys()].sort((a, b) => a - b)
  const exact = classes.map((c) => (members.get(c)!.length * wanted) / set.count)
  const quota = exact.map(Math.floor)
  const byRemainder = classes
    .map((_, i) => i)
    .sort((a, b) => exact[b] - quota[b] - (exact[a] - quota[a]) || a - b)
  const remainder = wanted - quota.reduce((a, b) => a + b, 0)
  for (let k = 0; k < remainder; k++) quota[byRemainder[k]]++
  const rng = new Rng(mixSeed(seed, SPLIT_STREAM))
  classes.forEach((c, i) => {
    const shuffled = rng.shuffle(Int32Array.from(members.get(c)!))
    for (let k = 0; k < quota[i]; k++) held[shuffled[k]] = 1
  })
  return { train: pick(set, held, 0, imageSize), validation: pick(set, held, 1, imageSize) }
}

/** The images whose mark is `mark`, copied in order. */
function pick(set: ImageSet, marks: Uint8Array, mark: number, imageSize: number): ImageSet {
  let count = 0
  for (let i = 0; i < set.count; i++) if (marks[i] === mark) count++
  const images = new Uint8Array(count * imageSize)
  const labels = new Uint8Array(count)
  let at = 0
  for (let i = 0; i < set.count; i++) {
    if (marks[i] !== mark) continue
    images.set(set.images.subarray(i * imageSize, (i + 1) * imageSize), at * imageSize)
    labels[at++] = set.labels[i]
  }
  return { images, labels, count }
}
