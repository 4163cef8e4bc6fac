import { describe, expect, it } from 'vitest'
import { formatLearningRate, formatPercent } from './format'

describe('format', () => {
  it('percentages', () => {
    expect(formatPercent(0.99213)).toBe('99.21%')
    expect(formatPercent(0.5, 1)).toBe('50.0%')
    expect(formatPercent(undefined)).toBe('—')
    expect(formatPercent(Number.NaN)).toBe('—')
  })

  it('learning rates', () => {
    expect(formatLearningRate(1e-4)).toBe('1e-4')
    expect(formatLearningRate(0.001)).toBe('1e-3')
    expect(formatLearningRate(0.003)).toBe('0.003')
    expect(formatLearningRate(5e-4)).toBe('5e-4')
    expect(formatLearningRate(0.05)).toBe('0.05')
    expect(formatLearningRate(0.0025)).toBe('0.0025')
    expect(formatLearningRate(3e-5)).toBe('3e-5')
    expect(formatLearningRate(2.5e-5)).toBe('2.5e-5')
    expect(formatLearningRate(9.7600001e-5)).toBe('9.76e-5')
    expect(formatLearningRate(-2e-5)).toBe('-2e-5')
    expect(formatLearningRate(0)).toBe('0')
  })
})
