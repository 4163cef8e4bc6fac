import { onScopeDispose, shallowRef } from 'vue'

/** The colours charts draw with, read from the stylesheet's variables. */
export interface ThemeColors {
  text: string
  muted: string
  grid: string
  surface: string
  train: string
  val: string
  batch: string
  /** What needs attention (the class doing worst on the run page). */
  danger: string
}

const VARIABLES: Record<keyof ThemeColors, string> = {
  text: '--text',
  muted: '--text-muted',
  grid: '--chart-grid',
  surface: '--surface',
  train: '--chart-train',
  val: '--chart-val',
  batch: '--chart-batch',
  danger: '--danger',
}

/**
 * Read the chart colours of the theme now showing. The variables hold `light-dark()` pairs,
 * which only a colour property resolves, so each is read back through a probe's `color`.
 */
export function readThemeColors(element: Element = document.documentElement): ThemeColors {
  const probe = document.createElement('span')
  probe.hidden = true
  element.append(probe)
  try {
    const entries = Object.entries(VARIABLES).map(([key, name]) => {
      probe.style.color = `var(${name}, #888)`
      return [key, getComputedStyle(probe).color || '#888']
    })
    return Object.fromEntries(entries) as ThemeColors
  } finally {
    probe.remove()
  }
}

/**
 * The chart colours, updated when the OS scheme or the theme setting changes (chart.js draws on a
 * canvas and cannot follow CSS variables by itself).
 */
export function useThemeColors() {
  const colors = shallowRef<ThemeColors>(readThemeColors())
  const refresh = () => {
    colors.value = readThemeColors()
  }
  const media = window.matchMedia('(prefers-color-scheme: dark)')
  media.addEventListener('change', refresh)
  const observer = new MutationObserver(refresh)
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
  onScopeDispose(() => {
    media.removeEventListener('change', refresh)
    observer.disconnect()
  })
  return { colors }
}
