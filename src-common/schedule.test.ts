import { describe, expect, it } from 'vitest'
import { batchesPerEpoch, learningRateAt, scheduleCurve, type ScheduleConfig } from './schedule'
import { learningRateScheduleSchema } from './recipe'

function config(schedule: unknown, extra: Partial<ScheduleConfig> = {}): ScheduleConfig {
  return {
    learningRate: 1e-3,
    epochs: 10,
    warmupEpochs: 0,
    schedule: learningRateScheduleSchema.parse(schedule),
    ...extra,
  }
}

describe('learning-rate schedules', () => {
  it('constant stays at the rate', () => {
    expect(learningRateAt(config({ kind: 'constant' }), 1, 0, 100)).toBe(1e-3)
    expect(learningRateAt(config({ kind: 'constant' }), 10, 99, 100)).toBe(1e-3)
  })

  it('exponential decays per epoch as cdeotte’s 1e-3 x 0.95^epoch', () => {
    const c = config({ kind: 'exponential', factor: 0.95 })
    expect(learningRateAt(c, 1, 50, 100)).toBe(1e-3)
    expect(learningRateAt(c, 3, 0, 100)).toBeCloseTo(1e-3 * 0.95 ** 2, 12)
    expect(learningRateAt(c, 3, 99, 100)).toBeCloseTo(1e-3 * 0.95 ** 2, 12)
  })

  it('step divides every N epochs', () => {
    const c = config({ kind: 'step', everyEpochs: 3, factor: 0.5 })
    expect([1, 3, 4, 7, 10].map((e) => learningRateAt(c, e, 0, 10))).toEqual([
      1e-3, 1e-3, 5e-4, 2.5e-4, 1.25e-4,
    ])
  })

  it('cosine falls batch by batch from the rate to the final factor', () => {
    const c = config({ kind: 'cosine', finalFactor: 0.1 })
    expect(learningRateAt(c, 1, 0, 100)).toBeCloseTo(1e-3, 12)
    expect(learningRateAt(c, 6, 0, 100)).toBeCloseTo(1e-3 * (0.1 + 0.9 * 0.5), 12)
    expect(learningRateAt(c, 10, 99, 100)).toBeCloseTo(1e-4, 6)
    expect(learningRateAt(c, 5, 10, 100)).toBeLessThan(learningRateAt(c, 5, 9, 100))
  })

  it('one-cycle rises to the rate at peakAt and falls to the final factor', () => {
    const c = config({ kind: 'one-cycle', peakAt: 0.3, startFactor: 0.04, finalFactor: 0.001 })
    expect(learningRateAt(c, 1, 0, 100)).toBeCloseTo(4e-5, 12)
    expect(learningRateAt(c, 4, 0, 100)).toBeCloseTo(1e-3, 12)
    expect(learningRateAt(c, 2, 0, 100)).toBeLessThan(learningRateAt(c, 3, 0, 100))
    expect(learningRateAt(c, 8, 0, 100)).toBeLessThan(learningRateAt(c, 6, 0, 100))
    expect(learningRateAt(c, 10, 99, 100)).toBeCloseTo(1e-6, 7)
  })

  it('a warm-up ramps linearly over its epochs, then the schedule takes over', () => {
    const c = config({ kind: 'constant' }, { warmupEpochs: 2 })
    expect(learningRateAt(c, 1, 0, 10)).toBeCloseTo(1e-3 / 20, 12)
    expect(learningRateAt(c, 1, 9, 10)).toBeCloseTo(1e-3 / 2, 12)
    expect(learningRateAt(c, 2, 9, 10)).toBeCloseTo(1e-3, 12)
    expect(learningRateAt(c, 3, 0, 10)).toBe(1e-3)
  })

  it('draws a curve with every epoch start and the last step', () => {
    const c = config({ kind: 'exponential', factor: 0.5 }, { epochs: 3 })
    const curve = scheduleCurve(c, batchesPerEpoch(1000, 100), 4)
    expect(curve[0]).toEqual({ epoch: 0, learningRate: 1e-3 })
    expect(curve.at(-1)).toEqual({ epoch: 2.9, learningRate: 2.5e-4 })
    expect(curve.filter((p) => Number.isInteger(p.epoch)).map((p) => p.learningRate)).toEqual([
      1e-3, 5e-4, 2.5e-4,
    ])
  })

  it('counts a short last batch as a step', () => {
    expect(batchesPerEpoch(1001, 100)).toBe(11)
    expect(batchesPerEpoch(0, 100)).toBe(1)
  })
})
