import { describe, expect, it } from 'vitest'
import {
  formatCount,
  formatDate,
  formatDuration,
  formatEta,
  formatLoss,
  formatRate,
  formatShape,
} from './format'

describe('format', () => {
  it('durations', () => {
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(1234)).toBe('1.2 s')
    expect(formatDuration(42_400)).toBe('42 s')
    expect(formatDuration(185_000)).toBe('3 min 05 s')
    expect(formatDuration(3_725_000)).toBe('1 h 02 min')
    expect(formatDuration(null)).toBe('—')
    expect(formatDuration(-1)).toBe('—')
  })

  it('eta', () => {
    expect(formatEta(400)).toBe('under 1 s')
    expect(formatEta(3_000)).toBe('5 s')
    expect(formatEta(41_000)).toBe('40 s')
    expect(formatEta(190_000)).toBe('3 min')
    expect(formatEta(null)).toBe('—')
  })

  it('metrics', () => {
    expect(formatLoss(2.302585)).toBe('2.303')
    expect(formatLoss(0.0234123)).toBe('0.02341')
    expect(formatLoss(0.00001234)).toBe('1.23e-5')
    // A diverged run's loss, readable.
    expect(formatLoss(21_340_799_247)).toBe('2.13e10')
    expect(formatLoss(-45_000)).toBe('-4.5e4')
    expect(formatLoss(Number.NaN)).toBe('—')
    expect(formatCount(1234567.4)).toBe('1,234,567')
    expect(formatRate(511.6)).toBe('512 samples/s')
  })

  it('dates and shapes', () => {
    expect(formatDate('2025-11-26T17:38:00Z', 'en-GB', 'UTC')).toBe('26 Nov 2025, 17:38')
    expect(formatDate('nonsense')).toBe('—')
    expect(formatShape([24, 24, 32])).toBe('(None, 24, 24, 32)')
  })
})
