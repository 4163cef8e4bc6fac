import { settingsPatchSchema, settingsSchema, type Settings, type SettingsPatch } from '@common/schemas'
import { UserError } from '../errors'

/**
 * The part of conf / electron-store this module needs: the whole document as one object.
 * Both libraries write it atomically.
 */
export interface DocumentStore {
  get store(): Record<string, unknown>
  set store(value: Record<string, unknown>)
}

/** Typed, validated settings over conf (CLI, web shell) or electron-store (desktop app). */
export class SettingsStore {
  constructor(private readonly backing: DocumentStore) {}

  /** The settings; a stored field that no longer fits the schema falls back to its default. */
  get(): Settings {
    const raw = this.backing.store
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
}
