/**
 * The settings read straight from `<home>/settings.json`, for a command that only reads them
 * (`train`). conf is not loaded: its write-on-exit hook (when-exit) answers Ctrl-C by raising the
 * signal again, which would end a run at once instead of at its next batch boundary.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { openSettingsStore, type DocumentStore, type SettingsReport, type SettingsStore } from './store'

/** The settings of `home`, read-only; a file that is not JSON is kept aside and reported, as conf's. */
export function openSettingsForReading(home: string, report: SettingsReport): SettingsStore {
  const path = join(home, 'settings.json')
  return openSettingsStore(path, () => readOnlyDocument(path), report)
}

function readOnlyDocument(path: string): DocumentStore {
  return {
    path,
    get store(): Record<string, unknown> {
      let text: string
      try {
        text = readFileSync(path, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
        throw error
      }
      // A SyntaxError here is what conf throws too: the store sets the file aside.
      const json: unknown = JSON.parse(text)
      return typeof json === 'object' && json !== null && !Array.isArray(json)
        ? (json as Record<string, unknown>)
        : {}
    },
    set store(_value: Record<string, unknown>) {
      throw new Error(`The settings in ${path} are open for reading only.`)
    },
  }
}
