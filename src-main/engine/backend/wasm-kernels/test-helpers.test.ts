import { describe, expect, it } from 'vitest'
import { activateBackend } from '../index'
import { sumConfig } from './sum'
import { expectClose, expectRegistered } from './test-helpers'

const f32 = (values: number[]) => Float32Array.from(values)
const fails = (actual: number[], expected: number[], rtol?: number) =>
  expect(() => expectClose(f32(actual), f32(expected), rtol, 'case')).toThrow()

describe('expectClose', () => {
  it('passes within the tolerance, relative to the largest expected magnitude', () => {
    expectClose(f32([1, 2.0001, -3]), f32([1, 2, -3]), 1e-4)
    expectClose(f32([100, 0.005]), f32([100, 0]), 1e-4)
    expectClose(f32([]), f32([]))
    expectClose(Int32Array.from([4, -2]), Int32Array.from([4, -2]), 0)
  })

  it('fails beyond the tolerance, wherever the worst element is', () => {
    fails([1.01, 2, 3], [1, 2, 3])
    fails([1, 2, 3.01], [1, 2, 3])
    fails([1, 3], [1, 2], 0.4)
    fails([1, 2.0001], [1, 2], 0)
  })

  it('fails on a NaN or an infinity in any position, before or after a wrong element', () => {
    // The case: the NaN's successor used to replace the running worst, so this passed.
    fails([1.5, NaN, 0], [1, 1, 0])
    fails([NaN, 1, 1], [1, 1, 1])
    fails([1, NaN, 1], [1, 1, 1])
    fails([1, 1, NaN], [1, 1, 1])
    fails([1, Infinity, 1], [1, 1, 1])
    fails([1, -Infinity, 1], [1, 1, 1])
    fails([1, 1, 1], [1, NaN, 1])
    fails([1, 1, 1], [Infinity, 1, 1])
    fails([NaN, NaN], [NaN, NaN])
  })

  it('names the element that failed', () => {
    expect(() => expectClose(f32([1, NaN, 0]), f32([1, 1, 0]), 1e-4, 'dx')).toThrow(/dx .*at 1: NaN vs 1/)
    expect(() => expectClose(f32([1, 1, 7]), f32([1, 1, 0]), 1e-4, 'dw')).toThrow(/dw .*at 2: 7 vs 0/)
  })

  it('fails when the lengths differ', () => {
    fails([1, 2], [1, 2, 3])
    fails([1, 2, 3], [1, 2])
  })
})

describe('expectRegistered', () => {
  it('passes for our registered kernel and fails for any other function under its name', async () => {
    await activateBackend('wasm')
    expectRegistered(sumConfig)
    expect(() => expectRegistered({ ...sumConfig, kernelFunc: () => ({}) as never })).toThrow(
      /Sum registered for wasm/,
    )
    expect(() => expectRegistered(sumConfig, 'cpu')).toThrow(/Sum registered for cpu/)
  })
})
