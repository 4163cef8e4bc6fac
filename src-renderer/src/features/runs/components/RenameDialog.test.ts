// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { installTestBridge } from '../../../api/testing'
import { runRecord } from '../../../lib/run-record.fixtures'
import RenameDialog from './RenameDialog.vue'

enableAutoUnmount(afterEach)
const bridge = installTestBridge()
beforeEach(() => bridge.reset())

async function dialog() {
  const view = mount(RenameDialog, { props: { run: null }, attachTo: document.body })
  await view.setProps({ run: { id: 'a', name: 'first try' } })
  return view
}

describe('RenameDialog', () => {
  it('refuses an empty or overlong name without asking the main side', async () => {
    const view = await dialog()
    const input = view.get('input')
    expect((input.element as HTMLInputElement).value).toBe('first try')
    await input.setValue('   ')
    await view.get('form').trigger('submit')
    expect(view.text()).toContain('The name cannot be empty.')
    await input.setValue('x'.repeat(121))
    await view.get('form').trigger('submit')
    expect(view.text()).toContain('The name must be at most 120 characters (it has 121).')
    expect(bridge.pending).toEqual([])
  })

  it('opens with the name selected, so that typing replaces it', async () => {
    const view = await dialog()
    const input = view.get('input').element as HTMLInputElement
    expect([input.selectionStart, input.selectionEnd]).toEqual([0, 'first try'.length])
  })

  it('renames the run and closes, or shows why it could not', async () => {
    const view = await dialog()
    await view.get('input').setValue('  second try ')
    await view.get('form').trigger('submit')
    const [rename] = bridge.requests('runs.rename')
    expect(rename.input).toEqual({ id: 'a', name: 'second try' })
    await rename.fail({ code: 'not_found', message: 'There is no run a.' })
    await flushPromises()
    expect(view.text()).toContain('There is no run a.')
    expect(view.emitted('close')).toBeUndefined()

    await view.get('form').trigger('submit')
    await bridge.requests('runs.rename')[0].answer(runRecord('a', 'second try', {}, []))
    await flushPromises()
    expect(view.emitted('close')).toHaveLength(1)
  })
})
