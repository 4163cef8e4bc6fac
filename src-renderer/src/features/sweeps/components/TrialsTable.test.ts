// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { sweepRecordFixture, trialFixture } from '../sweep.fixtures'
import TrialsTable from './TrialsTable.vue'

enableAutoUnmount(afterEach)

const reason = 'stopped at epoch 1: val_accuracy 0.500 was below the top third (0.905) of this rung'
const record = sweepRecordFixture([
  trialFixture(1),
  trialFixture(2, { state: 'pruned', values: [0.5], value: 0.5, prunedAt: 1, reason }),
  trialFixture(3, { state: 'running', values: [0.9], value: 0.9 }),
  trialFixture(4, { state: 'queued', runId: null, values: [], value: null }),
  trialFixture(5, { state: 'failed', values: [], value: null, reason: 'The trainer ran out of memory.' }),
])

describe('TrialsTable', () => {
  it('shows each trial’s state, parameters, value and why it was pruned or failed', () => {
    const view = mount(TrialsTable, { props: { record } })
    const rows = view.findAll('tbody tr')
    expect(rows.map((r) => r.get('[data-testid="trial-state"]').text())).toEqual([
      'completed',
      'pruned',
      'running',
      'queued',
      'failed',
    ])
    expect(rows[1].get('[data-testid="trial-reason"]').text()).toBe(reason)
    expect(rows[4].get('[data-testid="trial-reason"]').text()).toBe('The trainer ran out of memory.')
    expect(rows[0].text()).toContain('1.0e-3')
    expect(rows[0].text()).toContain('91.0%')
    expect(rows[1].text()).toContain('1 / 3')
  })

  it('offers more epochs only to trials that have stopped training', async () => {
    const view = mount(TrialsTable, { props: { record } })
    const buttons = view.findAll('button')
    expect(buttons.map((b) => b.attributes('aria-label'))).toEqual([
      'More epochs for Trial 1',
      'More epochs for Trial 2',
    ])
    await buttons[1].trigger('click')
    expect(view.emitted('extend')?.[0]?.[0]).toMatchObject({ number: 2 })
  })
})
