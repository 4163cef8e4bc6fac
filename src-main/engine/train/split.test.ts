import { describe, expect, it } from 'vitest'
import { splitValidation } from './split'
import { barImages } from './test-data'

const size = 12 * 12

function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0)
  for (const label of labels) counts[label]++
  return counts
}

describe('validation split', () => {
  it('holds out the fraction of every class and keeps the rest, each image once', () => {
    const set = barImages(1000)
    const { train, validation } = splitValidation(set, 0.1, 42, size)
    expect(validation.count).toBe(100)
    expect(train.count).toBe(900)
    expect(classCounts(validation.labels)).toEqual(new Array(10).fill(10))
    // Every image is in exactly one part: the bytes of both parts add up to the whole set's.
    const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0)
    expect(sum(train.images) + sum(validation.images)).toBe(sum(set.images))
  })

  it('shares remainders so the total is the fraction of the whole, stratified as nearly as it can be', () => {
    const set = barImages(95)
    const { validation } = splitValidation(set, 0.2, 1, size)
    expect(validation.count).toBe(19)
    for (const n of classCounts(validation.labels)) expect(n === 1 || n === 2).toBe(true)
  })

  it('draws from the seed: the same seed holds out the same images, another seed others', () => {
    const set = barImages(300)
    const a = splitValidation(set, 0.1, 7, size).validation
    expect(splitValidation(set, 0.1, 7, size).validation).toEqual(a)
    expect(splitValidation(set, 0.1, 8, size).validation.images).not.toEqual(a.images)
  })

  it('holds out nothing at 0', () => {
    const set = barImages(50)
    const { train, validation } = splitValidation(set, 0, 7, size)
    expect(validation.count).toBe(0)
    expect(train).toEqual(set)
  })
})
