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

  it('refuses a Redis URL that is not one by name, saves a good one, and tests the server', async () => {
    const bridge = await freshBridge()
    let stored: Settings = settingsSchema.parse({})
    let updates = 0
    bridge.handle('settings.get', () => stored)
    bridge.handle('settings.update', (next) => {
      updates++
      stored = settingsSchema.parse(next)
      // The main side answers with the password masked.
      return { ...stored, redisUrl: stored.redisUrl?.replace(':s3cret@', ':***@') ?? null }
    })
    bridge.handle('workers.testConnection', () => ({
      redis: 'redis://:***@queue.lan:6379',
      version: '7.0.15',
      maxmemoryPolicy: 'allkeys-lru',
      warning: 'maxmemory-policy is allkeys-lru: set it to noeviction.',
    }))
    const { default: SettingsView } = await import('./SettingsView.vue')
    const view = mount(SettingsView, { attachTo: document.body })
    await flushPromises()
    const field = () => fieldByLabel(view, 'Redis server')

    await field().setValue('https://queue.lan:6379')
    await flushPromises()
    expect(view.text()).toContain('The Redis URL must start with redis:// or rediss://, not https://.')
    expect(updates).toBe(0)

    await field().setValue('redis://:s3cret@queue.lan:6379')
    await flushPromises()
    expect(stored.redisUrl).toBe('redis://:s3cret@queue.lan:6379')
    expect(view.get('[role="status"]').text()).toBe('Redis server saved.')
    expect((field().element as HTMLInputElement).value).toBe('redis://:***@queue.lan:6379')
    expect(view.text()).not.toContain('must start with')

    const test = view.findAll('button').find((b) => b.text() === 'Test connection')!
    await test.trigger('click')
    await flushPromises()
    expect(view.get('[data-testid="redis-check"]').text()).toBe(
      'Redis 7.0.15 at redis://:***@queue.lan:6379 answered; maxmemory-policy is allkeys-lru. maxmemory-policy is allkeys-lru: set it to noeviction.',
    )

    await field().setValue('')
    await flushPromises()
    expect(stored.redisUrl).toBeNull()
    expect(view.get('[role="status"]').text()).toBe('Redis server cleared: runs train on this machine.')
  })
})
