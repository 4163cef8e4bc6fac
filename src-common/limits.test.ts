import { describe, expect, it } from 'vitest'
import { MEMORY_PER_TRAINER, defaultMaxTrainers, replicaCount } from './limits'

describe('the default trainer cap', () => {
  it('runs one trainer with its 2 replicas on 2 cores, and one per two cores beyond', () => {
    const plenty = 64 * MEMORY_PER_TRAINER
    expect(defaultMaxTrainers(1, plenty)).toBe(1)
    expect(defaultMaxTrainers(2, plenty)).toBe(1)
    expect(replicaCount(null, 'wasm', 2)).toBe(2)
    expect(defaultMaxTrainers(8, plenty)).toBe(4)
  })

  it('never sets aside more memory than the machine has, and always allows one', () => {
    expect(defaultMaxTrainers(16, 3 * MEMORY_PER_TRAINER)).toBe(3)
    expect(defaultMaxTrainers(16, MEMORY_PER_TRAINER / 2)).toBe(1)
  })
})
