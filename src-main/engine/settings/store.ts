import { renameSync } from 'node:fs'
import { settingsPatchSchema, settingsSchema, type Settings, type SettingsPatch } from '@common/schemas'
import { UserError, errorMessage } from '../errors'

/**
 * Who may read and write the settings file: its owner alone, since it may hold the Redis server's
 * password. Each write makes the file anew with this mode, so an older file gets it at its next write.
 */
export const SETTINGS_FILE_MODE = 0o600

/**
 * The part of conf / electron-store this module needs: the whole document as one object, and
 * the file it lives in. Both libraries write it atomically, and throw a SyntaxError when the
 * file is not JSON.
 */
export interface DocumentStore {
  get store(): Record<string, unknown>
  set store(value: Record<string, unknown>)
  readonly path: string
}

/** Where the sentence about a settings file that was kept aside goes (stderr, a dialog). */
export type SettingsReport = (sentence: string) => void

/**
 * Opens the settings document at `path` with `open`. A file that is not JSON is renamed aside
 * (`settings.json.corrupt-<time>`) and reported, and the workbench starts from defaults: it is
 * never silently replaced. A file that cannot be read at all is a UserError naming it.
 */
export function openSettingsStore(
  path: string,
  open: () => DocumentStore,
  report: SettingsReport,
): SettingsStore {
  try {
    return new SettingsStore(open(), report)
  } catch (error) {
    if (!(error instanceof SyntaxError)) {
      throw new UserError(
        `The settings file ${path} could not be read: ${errorMessage(error)}.`,
        'unavailable',
      )
    }
    report(setAside(path))
    return new SettingsStore(open(), report)
  }
}

/** Renames a corrupt settings file out of the way; returns the sentence saying where it went. */
function setAside(path: string): string {
  const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
  renameSync(path, aside)
  return `The settings file ${path} is not valid JSON; it is kept as ${aside} and the workbench starts from default settings.`
}

/** Typed, validated settings over conf (CLI, web shell) or electron-store (desktop app). */
export class SettingsStore {
  constructor(
    private readonly backing: DocumentStore,
    private readonly report: SettingsReport,
  ) {}

  /** The settings; a stored field that no longer fits the schema falls back to its default. */
  get(): Settings {
    const raw = this.read()
    const whole = settingsSchema.safeParse(raw)
    if (whole.success) return whole.data
    const defaults = settingsSchema.parse({})
    const kept: Record<string, unknown> = {}
    for (const key of Object.keys(defaults) as (keyof Settings)[]) {
      const field = settingsSchema.shape[key].safeParse(raw[key])
      if (field.success) kept[key] = field.data
    }
    return settingsSchema.parse(kept)
  }

  /** Apply a validated patch; the stored document changes whole or not at all. */
  update(patch: SettingsPatch): Settings {
    const checked = settingsPatchSchema.safeParse(patch)
    if (!checked.success) {
      const issue = checked.error.issues[0]
      const field = issue.path.join('.')
      throw new UserError(`Setting "${field}" is invalid: ${issue.message}.`, 'invalid', field)
    }
    const next = settingsSchema.parse({ ...this.get(), ...checked.data })
    this.backing.store = next as unknown as Record<string, unknown>
    return next
  }

  /** The stored document; one that went bad while we run is kept aside like one found at start. */
  private read(): Record<string, unknown> {
    try {
      return this.backing.store
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error
      this.report(setAside(this.backing.path))
      return this.backing.store
    }
  }
}
