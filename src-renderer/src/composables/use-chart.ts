import { markRaw, onBeforeUnmount, onMounted, ref } from 'vue'
import type { ChartConfiguration } from 'chart.js'
import { Chart } from '../lib/chart-config'
import type { Point } from '../lib/run-series'

/**
 * A chart.js line chart on the component's canvas: created from `config()` when the component
 * mounts, destroyed when it unmounts. Bind `canvas` as the `<canvas>`'s template ref; `chart()`
 * is null before mounting and after unmounting.
 */
export function useChart(config: () => ChartConfiguration<'line', Point[]>) {
  const canvas = ref<HTMLCanvasElement | null>(null)
  let chart: Chart<'line', Point[]> | null = null

  onMounted(() => {
    if (canvas.value) chart = markRaw(new Chart(canvas.value, config()))
  })
  onBeforeUnmount(() => {
    chart?.destroy()
    chart = null
  })

  return { canvas, chart: () => chart }
}
