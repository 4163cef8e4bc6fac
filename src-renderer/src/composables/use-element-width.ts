import { onBeforeUnmount, onMounted, ref, useTemplateRef } from 'vue'

/**
 * The width of the component's element whose template ref is `refName`, followed as it resizes,
 * never below `min`; `initial` until it is mounted. For drawings laid out in pixels.
 */
export function useElementWidth(refName: string, options: { initial?: number; min?: number } = {}) {
  const { initial = 900, min = 420 } = options
  const box = useTemplateRef<HTMLElement>(refName)
  const width = ref(initial)
  let observer: ResizeObserver | null = null
  onMounted(() => {
    if (!box.value) return
    width.value = box.value.clientWidth || initial
    observer = new ResizeObserver(
      ([entry]) => (width.value = Math.max(min, Math.round(entry.contentRect.width))),
    )
    observer.observe(box.value)
  })
  onBeforeUnmount(() => observer?.disconnect())
  return width
}
