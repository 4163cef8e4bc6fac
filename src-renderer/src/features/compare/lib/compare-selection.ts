/** The runs chosen for comparison: an ordered list of ids, two to eight of them to compare. */
import { MAX_COMPARED_RUNS } from '@common/schemas'

export const MIN_COMPARED = 2

/** The selection with `id` taken out if it was in, or added at the end if there is room. */
export function toggleSelection(
  selection: readonly string[],
  id: string,
  max: number = MAX_COMPARED_RUNS,
): string[] {
  if (selection.includes(id)) return selection.filter((s) => s !== id)
  return selection.length >= max ? [...selection] : [...selection, id]
}

/** The selection without ids of runs that no longer exist (or cannot be read), once each, at most `max`. */
export function pruneSelection(
  selection: readonly string[],
  known: ReadonlySet<string>,
  max = MAX_COMPARED_RUNS,
): string[] {
  return [...new Set(selection)].filter((id) => known.has(id)).slice(0, max)
}

/** Whether two selections are the same list. */
export function sameSelection(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i])
}
