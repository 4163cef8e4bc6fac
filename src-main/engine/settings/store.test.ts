import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openConfSettings } from './conf-store'

function freshHome() {
  return mkdtempSync(join(tmpdir(), 'settings-'))
}

/** A report that no test outside the corrupt-file ones expects. */
const fail = (sentence: string) => {
  throw new Error(`unexpected report: ${sentence}`)
}

describe('SettingsStore over conf', () => {
  it('starts from defaults and persists an update across instances', () => {
    const home = freshHome()
    const first = openConfSettings(home, fail)
    expect(first.get().backend).toBe('auto')
    first.update({ backend: 'wasm', theme: 'dark' })
    const second = openConfSettings(home, fail)
    expect(second.get()).toMatchObject({ backend: 'wasm', theme: 'dark' })
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')).backend).toBe('wasm')
  })

  it('keeps the file that holds the Redis password readable by its owner alone, an older one from its next write', () => {
    const home = freshHome()
    const path = join(home, 'settings.json')
    writeFileSync(path, JSON.stringify({ theme: 'dark' }), { mode: 0o644 })
    const store = openConfSettings(home, fail)
    store.update({ redisUrl: 'redis://:s3cret@queue.lan:6379/0' })
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readFileSync(path, 'utf8')).toContain('s3cret')
    expect(openConfSettings(home, fail).get()).toMatchObject({
      theme: 'dark',
      redisUrl: 'redis://:s3cret@queue.lan:6379/0',
    })
  })

  it('refuses a bad update with the field named and changes nothing', () => {
    const home = freshHome()
    const store = openConfSettings(home, fail)
    store.update({ backend: 'cpu' })
    expect(() => store.update({ backend: 'quantum' as never })).toThrow(/Setting "backend" is invalid/)
    expect(store.get().backend).toBe('cpu')
  })

  it('keeps the valid fields of a hand-damaged file', () => {
    const home = freshHome()
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ backend: 'wasm', theme: 'purple' }))
    const settings = openConfSettings(home, fail).get()
    expect(settings.backend).toBe('wasm')
    expect(settings.theme).toBe('system')
  })
})

describe('a settings patch', () => {
  it('changes only the fields it names', () => {
    const store = openConfSettings(freshHome(), fail)
    store.update({ theme: 'dark', compareSelection: ['run-a', 'run-b'] })
    store.update({ backend: 'wasm' })
    expect(store.get()).toMatchObject({
      backend: 'wasm',
      theme: 'dark',
      compareSelection: ['run-a', 'run-b'],
    })
  })
})

describe('a corrupt settings file', () => {
  const damaged = '{"backend": "wasm", "theme": '

  it('is kept aside under a new name, reported with both paths, and never replaced', () => {
    const home = freshHome()
    writeFileSync(join(home, 'settings.json'), damaged)
    const reports: string[] = []
    const store = openConfSettings(home, (sentence) => reports.push(sentence))
    expect(store.get().backend).toBe('auto')
    const aside = readdirSync(home).filter((name) => name.startsWith('settings.json.corrupt-'))
    expect(aside).toHaveLength(1)
    expect(readFileSync(join(home, aside[0]), 'utf8')).toBe(damaged)
    expect(reports).toEqual([
      `The settings file ${join(home, 'settings.json')} is not valid JSON; it is kept as ${join(home, aside[0])} and the workbench starts from default settings.`,
    ])
    store.update({ theme: 'dark' })
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')).theme).toBe('dark')
    expect(readFileSync(join(home, aside[0]), 'utf8')).toBe(damaged)
  })

  it('is kept aside too when it goes bad while the workbench runs', () => {
    const home = freshHome()
    const reports: string[] = []
    const store = openConfSettings(home, (sentence) => reports.push(sentence))
    store.update({ theme: 'dark' })
    writeFileSync(join(home, 'settings.json'), damaged)
    expect(store.get().theme).toBe('system')
    expect(reports).toHaveLength(1)
    expect(readdirSync(home).filter((name) => name.startsWith('settings.json.corrupt-'))).toHaveLength(1)
  })

  it('that cannot be read at all is a sentence naming it', () => {
    const home = freshHome()
    mkdirSync(join(home, 'settings.json'))
    expect(() => openConfSettings(home, fail)).toThrow(
      new RegExp(`^The settings file ${join(home, 'settings.json')} could not be read: EISDIR`),
    )
  })
})
