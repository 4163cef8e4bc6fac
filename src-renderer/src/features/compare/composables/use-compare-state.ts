import { computed } from 'vue'
import type { RunRecord } from '@common/contract'
import { assignColorSlots, slotColor } from '../lib/compare-colors'
import { compareRows, configDifference } from '../lib/compare-rows'
import { uniqueLabels, withLiveSummary, type ComparedRun } from '../lib/compare-runs'
import { compareHeadline } from '../lib/compare-summary'
import { toParallelRun, type ParallelRun } from '../lib/compare-parallel'
import { useCompareParams } from './use-compare-params'
import { useCompareRuns } from './use-compare-runs'
import { useCompareSelection } from './use-compare-selection'
import { useRuns } from '../../../composables/use-runs'
import { useThemeColors } from '../../../composables/use-theme-colors'

/**
 * Everything the Compare view shows, derived in one place: the chosen runs with their colours
 * and epochs, the table rows, the headline, and every finished run for the parallel coordinates.
 */
export function useCompareState() {
  const { items, loaded, error: listError, reload: reloadList } = useRuns()
  const selection = useCompareSelection()
  const { details, errors, loading } = useCompareRuns(selection.selection)
  const { colors } = useThemeColors()

  let previousSlots = new Map<string, number>()
  const slots = computed(() => {
    previousSlots = assignColorSlots(selection.selection.value, previousSlots)
    return previousSlots
  })
  /** The colour of each chosen run in the theme now showing. */
  const colorOf = computed(
    () => new Map([...slots.value].map(([id, slot]) => [id, slotColor(slot, colors.value.surface)])),
  )

  const records = computed(
    () => new Map(items.value.flatMap((item) => (item.damaged ? [] : [[item.id, item.record] as const]))),
  )
  const architectures = computed(() => [...records.value.values()].map((r) => r.config.architecture))
  const { paramsOf } = useCompareParams(architectures)

  /** The chosen runs whose details have arrived, in the order they were chosen. */
  const runs = computed<ComparedRun[]>(() => {
    const chosen = selection.selection.value.flatMap((id) => {
      const d = details.value.get(id)
      return d ? [d] : []
    })
    const labels = uniqueLabels(chosen.map((d) => d.record))
    return chosen.map((d, i) => ({
      id: d.record.id,
      label: labels[i],
      slot: slots.value.get(d.record.id) ?? i,
      record: withLiveSummary(d.record, d.metrics),
      metrics: d.metrics,
    }))
  })
  const legend = computed(() =>
    runs.value.map((r) => ({ id: r.id, label: r.label, color: colorOf.value.get(r.id) ?? '#888' })),
  )
  const rows = computed(() =>
    compareRows(
      runs.value.map((r) => r.record),
      { paramsOf: (record: RunRecord) => paramsOf(record.config.architecture) },
    ),
  )
  const difference = computed(() => (runs.value.length >= 2 ? configDifference(rows.value) : ''))
  const headline = computed(() => compareHeadline(runs.value))

  const parallel = computed(() => {
    const all = [...records.value.values()]
    const placed = all.flatMap((r) => {
      const p = toParallelRun(r, paramsOf(r.config.architecture))
      return p ? [p] : []
    })
    return { runs: placed as ParallelRun[], leftOut: all.length - placed.length }
  })

  /** Chosen runs still loading (their details have not arrived). */
  const waiting = computed(() =>
    selection.selection.value.filter((id) => !details.value.has(id) && !errors.value.has(id)),
  )

  return {
    items,
    loaded,
    listError,
    reloadList,
    selection,
    runs,
    legend,
    colorOf,
    rows,
    difference,
    headline,
    parallel,
    loadErrors: errors,
    loading,
    waiting,
  }
}
