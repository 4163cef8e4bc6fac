// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { settingsSchema, type Settings } from '@common/schemas'
import { freshBridge, settle } from '../api/testing'
import { inScope } from './testing'

/** Fresh modules with the stored settings answering `settings.get`. */
async function fresh(theme: Settings['theme']) {
  ;(await freshBridge()).handle('settings.get', () => settingsSchema.parse({ theme }))
  return import('./use-theme')
}

beforeEach(() => {
  localStorage.clear()
  delete document.documentElement.dataset.theme
})

describe('useTheme', () => {
  it('applies the theme setting to the page and remembers it for the next start', async () => {
    const { useTheme } = await fresh('dark')
    const { stop } = inScope(() => useTheme())
    await settle()
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(localStorage.getItem('workbench.theme')).toBe('dark')
    stop()
  })

  it('leaves the page to the OS for the system theme', async () => {
    document.documentElement.dataset.theme = 'light'
    const { useTheme } = await fresh('system')
    const { stop } = inScope(() => useTheme())
    await settle()
    expect(document.documentElement.dataset.theme).toBeUndefined()
    stop()
  })

  it('shows the theme last seen before the settings arrive', async () => {
    const { applyStoredTheme } = await fresh('system')
    localStorage.setItem('workbench.theme', 'dark')
    applyStoredTheme()
    expect(document.documentElement.dataset.theme).toBe('dark')
  })
})
