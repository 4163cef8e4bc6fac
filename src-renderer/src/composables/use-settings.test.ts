import { describe, expect, it } from 'vitest'
import type { RequestInput } from '@common/contract'
import { settingsSchema, type Settings } from '@common/schemas'
import { freshBridge, settle } from '../api/testing'

/** Fresh modules for each test: the settings are shared by the whole app, once per page. */
async function fresh() {
  const bridge = await freshBridge()
  const { useSettings } = await import('./use-settings')
  return { bridge, useSettings }
}

const stored = (patch: Partial<Settings> = {}): Settings => settingsSchema.parse(patch)

describe('useSettings', () => {
  it('loads the settings once for every user', async () => {
    const { bridge, useSettings } = await fresh()
    const first = useSettings()
    const second = useSettings()
    expect(bridge.requests('settings.get')).toHaveLength(1)
    await bridge.requests('settings.get')[0].answer(stored({ theme: 'dark' }))
    expect(first.settings.value?.theme).toBe('dark')
    expect(second.settings).toBe(first.settings)
  })

  it('sends the whole document with each patch, one save after another, so quick edits add up', async () => {
    const { bridge, useSettings } = await fresh()
    const { settings, update } = useSettings()
    await bridge.requests('settings.get')[0].answer(stored())
    const sent: RequestInput<'settings.update'>[] = []
    bridge.handle('settings.update', (input) => {
      sent.push(input)
      return stored(input as Partial<Settings>)
    })
    const theme = update({ theme: 'dark' })
    const backend = update({ backend: 'wasm' })
    await Promise.all([theme, backend])
    expect(sent[1]).toMatchObject({ theme: 'dark', backend: 'wasm', compareSelection: [] })
    expect(settings.value).toMatchObject({ theme: 'dark', backend: 'wasm' })
  })

  it('rejects an update with the server’s sentence and keeps the stored settings', async () => {
    const { bridge, useSettings } = await fresh()
    const { settings, update } = useSettings()
    await bridge.requests('settings.get')[0].answer(stored({ theme: 'light' }))
    const saving = update({ theme: 'dark' })
    await settle()
    await bridge
      .requests('settings.update')[0]
      .fail({ code: 'internal', message: 'The settings file is read-only.' })
    await expect(saving).rejects.toThrow('The settings file is read-only.')
    expect(settings.value?.theme).toBe('light')
    // The next save is not held up by the failed one.
    bridge.handle('settings.update', (input) => stored(input as Partial<Settings>))
    await update({ theme: 'system' })
    expect(settings.value?.theme).toBe('system')
  })

  it('says why the settings could not be read', async () => {
    const { bridge, useSettings } = await fresh()
    const { error, settings } = useSettings()
    await bridge.requests('settings.get')[0].fail({ code: 'internal', message: 'The settings are damaged.' })
    expect(error.value).toBe('The settings are damaged.')
    expect(settings.value).toBeNull()
  })
})
