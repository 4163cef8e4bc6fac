// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { settingsSchema, type Settings } from '@common/schemas'
import { freshBridge } from '../../api/testing'
import { fieldByLabel } from './field-by-label.fixtures'

enableAutoUnmount(afterEach)

describe('SettingsView', () => {
  it('never says “Defaults saved.” while a default typed since is refused and not saved', async () => {
    const bridge = await freshBridge()
    let stored: Settings = settingsSchema.parse({})
    bridge.handle('settings.get', () => stored)
    bridge.handle('settings.update', (next) => (stored = settingsSchema.parse(next)))
    const { default: SettingsView } = await import('./SettingsView.vue')
    const view = mount(SettingsView, { attachTo: document.body })
    await flushPromises()
    const field = (label: string) => fieldByLabel(view, label)
    const status = () => view.get('[role="status"]').text()

    await field('Learning rate').setValue('5e-4')
    await flushPromises()
    expect(stored.defaults.learningRate).toBe(5e-4)
    expect(status()).toBe('Defaults saved.')

    await field('Learning rate').setValue('-1')
    await flushPromises()
    expect(stored.defaults.learningRate).toBe(5e-4)
    expect(status()).toBe('Learning rate not saved: its value is invalid.')

    await field('Learning rate').setValue('1e-3')
    await flushPromises()
    expect(stored.defaults.learningRate).toBe(1e-3)
    expect(status()).toBe('Defaults saved.')
  })
})
