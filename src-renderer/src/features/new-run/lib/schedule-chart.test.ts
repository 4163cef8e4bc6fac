import { describe, expect, it } from 'vitest'
import { curvePath, scheduleChart, scheduleOf } from './schedule-chart'

describe('schedule chart', () => {
  it('counts the steps of an epoch from the images trained on, less the validation split', () => {
    expect(scheduleOf({ batchSize: 100, validationSplit: 0.1 }, 60000).batches).toBe(540)
    expect(scheduleOf({ batchSize: 100, trainLimit: 2000, validationSplit: 0 }, 60000).batches).toBe(20)
    // Before the data set's size is known the curve still has a shape.
    expect(scheduleOf({}, null).batches).toBe(100)
  })

  it('draws a constant rate flat along the top, and a step schedule stepping down', () => {
    const flat = scheduleChart({ epochs: 4, learningRate: 0.01 }, 1000, 200, 50)
    expect(flat.peak).toBe(0.01)
    const ys = [...flat.d.matchAll(/,(-?[\d.]+)/g)].map((m) => Number(m[1]))
    expect(new Set(ys)).toEqual(new Set([0]))
    // Across the whole width, even with a few steps an epoch: the last step lasts to the end.
    const short = scheduleChart(
      { epochs: 1, batchSize: 100, trainLimit: 300, validationSplit: 0 },
      null,
      200,
      50,
    )
    expect(short.d.endsWith('L200.0,0.0')).toBe(true)

    const step = scheduleChart(
      { epochs: 4, learningRate: 0.01, schedule: { kind: 'step', everyEpochs: 2, factor: 0.5 } },
      1000,
      200,
      50,
    )
    const heights = [...step.d.matchAll(/,(-?[\d.]+)/g)].map((m) => Number(m[1]))
    expect(heights[0]).toBe(0)
    expect(heights.at(-1)).toBe(25)
  })

  it('rises through a warm-up from the bottom left', () => {
    const warm = scheduleChart({ epochs: 10, learningRate: 1e-3, warmupEpochs: 2 }, 6000, 100, 40)
    const first = /^M([\d.]+),([\d.]+)/.exec(warm.d)
    expect(Number(first?.[1])).toBe(0)
    expect(Number(first?.[2])).toBeGreaterThan(39)
    expect(warm.d.endsWith(',0.0')).toBe(true)
  })

  it('keeps an all-zero curve on the bottom line', () => {
    expect(curvePath([{ epoch: 0, learningRate: 0 }], 1, 10, 10).d).toBe('M0.0,10.0')
  })
})
