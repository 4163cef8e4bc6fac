// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { installTestBridge } from '../../api/testing'
import InspectView from './InspectView.vue'

enableAutoUnmount(afterEach)
const bridge = installTestBridge()
beforeEach(() => bridge.reset())

describe('InspectView', () => {
  it('says once that an unknown run does not exist, with no inspector or Evaluate button under it', async () => {
    const view = mount(InspectView, { props: { id: 'no-such-run' } })
    await flushPromises()
    const missing = { code: 'not_found', message: 'There is no run no-such-run.', field: 'id' } as const
    for (const pending of [...bridge.pending]) await pending.fail(missing)
    await flushPromises()
    expect(view.findAll('[role="alert"]').map((alert) => alert.text())).toEqual([
      'There is no run no-such-run.',
    ])
    expect(view.findAll('button').map((b) => b.text())).not.toContain('Evaluate test set')
    expect(view.text()).not.toContain('Feature maps')
  })
})
