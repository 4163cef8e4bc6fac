import { computed, ref } from 'vue'
import type { RunListItem } from '@common/contract'
import {
  filterRows,
  nextSort,
  sortRows,
  toRow,
  type SortKey,
  type SortOrder,
  type StatusFilter,
} from '../lib/runs-table'

/**
 * The stored runs as table rows, filtered by `query` (and by `status`, all by default) and sorted
 * by the column heads clicked; newest first until then. The runs library and Compare's run picker
 * both list runs this way.
 */
export function useRunTable(items: () => readonly RunListItem[], status: () => StatusFilter = () => 'all') {
  const query = ref('')
  const sort = ref<SortOrder>({ key: 'createdAt', direction: 'desc' })
  const allRows = computed(() => items().map(toRow))
  const rows = computed(() => sortRows(filterRows(allRows.value, query.value, status()), sort.value))

  /** A click on a column's head: sort by it, or flip its direction. */
  function sortBy(key: SortKey) {
    sort.value = nextSort(sort.value, key)
  }

  return { query, sort, allRows, rows, sortBy }
}
