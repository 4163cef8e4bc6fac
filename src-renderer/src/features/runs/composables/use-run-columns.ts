import { ref, watch } from 'vue'
import { DEFAULT_RUN_COLUMNS, RUN_COLUMNS, type SortKey } from '../../../lib/runs-table'

const STORAGE_KEY = 'cnn-workbench.runs.columns'

/** The columns stored by an earlier choice, those it names that still exist; the default else. */
function storedColumns(): SortKey[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null')
    if (Array.isArray(stored)) return RUN_COLUMNS.map((c) => c.key).filter((key) => stored.includes(key))
  } catch (error) {
    // A value that is not JSON (written by hand): the default columns, and the next choice replaces it.
    if (!(error instanceof SyntaxError)) throw error
  }
  return [...DEFAULT_RUN_COLUMNS]
}

/** The runs table's columns a person chose to show, kept in this browser between visits. */
export function useRunColumns() {
  const shown = ref<SortKey[]>(storedColumns())
  watch(shown, (keys) => localStorage.setItem(STORAGE_KEY, JSON.stringify(keys)), { deep: true })

  /** Shows or hides a column, keeping the table's order. */
  function toggle(key: SortKey) {
    const next = shown.value.includes(key) ? shown.value.filter((k) => k !== key) : [...shown.value, key]
    shown.value = RUN_COLUMNS.map((c) => c.key).filter((k) => next.includes(k))
  }
  return { shown, toggle }
}
