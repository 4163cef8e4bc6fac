import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openConfStore } from './conf-store'
import { SettingsStore } from './store'

function freshHome() {
  return mkdtempSync(join(tmpdir(), 'settings-'))
}

describe('SettingsStore over conf', () => {
  it('starts from defaults and persists an update across instances', () => {
    const home = freshHome()
    const first = new SettingsStore(openConfStore(home))
    expect(first.get().backend).toBe('auto')
    first.update({ backend: 'wasm', theme: 'dark' })
    const second = new SettingsStore(openConfStore(home))
    expect(second.get()).toMatchObject({ backend: 'wasm', theme: 'dark' })
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')).backend).toBe('wasm')
  })

  it('refuses a bad update with the field named and changes nothing', () => {
    const home = freshHome()
    const store = new SettingsStore(openConfStore(home))
    store.update({ backend: 'cpu' })
    expect(() => store.update({ backend: 'quantum' as never })).toThrow(/Setting "backend" is invalid/)
    expect(store.get().backend).toBe('cpu')
  })

  it('keeps the valid fields of a hand-damaged file', () => {
    const home = freshHome()
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ backend: 'wasm', theme: 'purple' }))
    const settings = new SettingsStore(openConfStore(home)).get()
    expect(settings.backend).toBe('wasm')
    expect(settings.theme).toBe('system')
  })
})

describe('a settings patch', () => {
  it('changes only the fields it names', () => {
    const store = new SettingsStore(openConfStore(freshHome()))
    store.update({ theme: 'dark', compareSelection: ['run-a', 'run-b'] })
    store.update({ backend: 'wasm' })
    expect(store.get()).toMatchObject({
      backend: 'wasm',
      theme: 'dark',
      compareSelection: ['run-a', 'run-b'],
    })
  })
})
