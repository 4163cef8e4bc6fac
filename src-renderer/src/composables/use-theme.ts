import { watchEffect } from 'vue'
import { useSettings } from './use-settings'

type Theme = 'system' | 'light' | 'dark'
const STORAGE_KEY = 'workbench.theme'

function apply(theme: Theme): void {
  const root = document.documentElement
  if (theme === 'system') delete root.dataset.theme
  else root.dataset.theme = theme
}

/** Before the settings arrive, show the theme last seen, so a dark page does not flash light. */
export function applyStoredTheme(): void {
  const stored = localStorage.getItem(STORAGE_KEY)
  if (stored === 'light' || stored === 'dark') apply(stored)
}

/**
 * Apply the theme setting: `system` follows the OS (color-scheme in styles.css); `light`
 * and `dark` set `data-theme` on the root element, which the stylesheet prefers.
 */
export function useTheme(): void {
  const { settings } = useSettings()
  watchEffect(() => {
    if (!settings.value) return
    apply(settings.value.theme)
    localStorage.setItem(STORAGE_KEY, settings.value.theme)
  })
}
