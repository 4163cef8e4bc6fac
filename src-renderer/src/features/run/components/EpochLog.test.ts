// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { epochs } from '../../../lib/run-record.fixtures'
import EpochLog from './EpochLog.vue'

enableAutoUnmount(afterEach)

describe('EpochLog', () => {
  it('prints losses as the notebook did, and a diverged one short', () => {
    const [first, second] = epochs([0.1, 0.1])
    const log = mount(EpochLog, {
      props: { epochs: [{ ...first, trainLoss: 17_284_036_167.1905 }, second], total: 2 },
    })
    const lines = log.get('[data-testid="epoch-log"]').text()
    expect(lines).toContain('Epoch 1/2  train loss 1.73e10  acc')
    expect(lines).toContain('Epoch 2/2  train loss 0.3333  acc')
  })
})
