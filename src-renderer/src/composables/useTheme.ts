import { watchEffect } from 'vue'
import { useSettings } from './useSettings'

/**
 * Apply the theme setting: `system` follows the OS (prefers-color-scheme in styles.css); `light`
 * and `dark` set `data-theme` on the root element, which the stylesheet prefers.
 */
export function useTheme(): void {
  const { settings } = useSettings()
  watchEffect(() => {
    const theme = settings.value?.theme ?? 'system'
    const root = document.documentElement
    if (theme === 'system') delete root.dataset.theme
    else root.dataset.theme = theme
  })
}
