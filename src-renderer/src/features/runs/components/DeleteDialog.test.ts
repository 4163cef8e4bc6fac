// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { installTestBridge } from '../../../api/testing'
import DeleteDialog from './DeleteDialog.vue'

enableAutoUnmount(afterEach)
const bridge = installTestBridge()
beforeEach(() => bridge.reset())

describe('DeleteDialog', () => {
  it('keeps the reason a delete failed on screen when the list behind it reloads', async () => {
    const view = mount(DeleteDialog, { props: { run: null }, attachTo: document.body })
    await view.setProps({ run: { id: 'a', name: 'first try', running: true } })
    expect(view.text()).toContain('deleting stops it first')
    await view
      .findAll('button')
      .find((b) => b.text() === 'Delete run')!
      .trigger('click')
    expect(view.text()).toContain('Stopping and deleting…')
    const [remove] = bridge.requests('runs.delete')
    await remove.fail({ code: 'conflict', message: 'Run a is being trained by another window or command.' })
    await flushPromises()
    // The runs view hands the same run as a new object each time it renders.
    await view.setProps({ run: { id: 'a', name: 'first try', running: true } })
    expect(view.get('[role="alert"]').text()).toBe('Run a is being trained by another window or command.')
    expect(view.emitted('close')).toBeUndefined()
  })
})
