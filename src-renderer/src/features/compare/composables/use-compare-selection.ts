import { computed, shallowRef, watch } from 'vue'
import { MAX_COMPARED_RUNS } from '@common/schemas'
import { pruneSelection, sameSelection, toggleSelection } from '../lib/compare-selection'
import { errorText } from '../../../lib/errors'
import { useRuns } from '../../../composables/use-runs'
import { useSettings } from '../../../composables/use-settings'

/**
 * The runs chosen for comparison, kept in the settings (`compareSelection`) so the choice
 * survives a restart. Ids of runs that were deleted are dropped once the run list is known.
 * Changes show at once; saves go out one after another, so the last click wins.
 */
export function useCompareSelection() {
  const { settings, update } = useSettings()
  const { items, loaded, error: listError } = useRuns()
  /** The selection as last chosen here, ahead of the stored one while it saves. */
  const local = shallowRef<string[] | null>(null)
  const error = shallowRef('')
  let saving: Promise<unknown> = Promise.resolve()

  const known = computed(() => new Set(items.value.filter((item) => !item.damaged).map((item) => item.id)))
  const stored = computed(() => local.value ?? settings.value?.compareSelection ?? [])
  /** Ready once both the settings and the run list have loaded. */
  const ready = computed(() => settings.value !== null && loaded.value)
  const selection = computed(() =>
    ready.value && !listError.value ? pruneSelection(stored.value, known.value) : stored.value,
  )
  const full = computed(() => selection.value.length >= MAX_COMPARED_RUNS)

  function save(next: string[]): void {
    local.value = next
    error.value = ''
    saving = saving.then(async () => {
      // A later click replaced this one: only the newest list is worth saving.
      if (local.value !== next) return
      try {
        await update({ compareSelection: next })
      } catch (e) {
        error.value = `The selection could not be saved: ${errorText(e)}`
      }
    })
  }

  // A chosen run was deleted: store the list without it, so the setting holds only real runs.
  watch(selection, (next) => {
    if (ready.value && !listError.value && !sameSelection(next, stored.value)) save(next)
  })

  /** Choose a run, or un-choose it; nothing happens past eight. */
  function toggle(id: string): void {
    const next = toggleSelection(selection.value, id)
    if (!sameSelection(next, selection.value)) save(next)
  }

  /** Choose exactly these runs (the first eight). */
  function set(ids: readonly string[]): void {
    save(pruneSelection(ids, known.value))
  }

  return { selection, ready, full, error, toggle, set, clear: () => save([]) }
}
