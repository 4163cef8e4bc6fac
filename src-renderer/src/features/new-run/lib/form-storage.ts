/**
 * The new-run form kept across reloads of the window, in the renderer's own storage: a reload
 * shows the form as it was left, not the defaults. A stored form that no longer fits the
 * form's schema (an older version of the app) is ignored.
 */
import { runFormSchema, type RunForm } from './form-state'

const KEY = 'cnn-workbench:new-run-form'

/** The window's local storage, or null where there is none (a test in Node). */
function storage(): Storage | null {
  return typeof globalThis.localStorage === 'undefined' ? null : globalThis.localStorage
}

/** The form as it was last stored, or null when none was or it does not fit. */
export function loadStoredForm(): RunForm | null {
  const text = storage()?.getItem(KEY)
  if (!text) return null
  try {
    const parsed = runFormSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    // Not JSON (written by hand, or cut short): as if none was stored.
    return null
  }
}

/** Keep the form for the next reload. */
export function storeForm(form: RunForm): void {
  storage()?.setItem(KEY, JSON.stringify(form))
}
