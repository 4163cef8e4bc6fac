/**
 * One colour per compared run, the same in every chart, table column, matrix and legend. A run
 * keeps its colour while it stays chosen: adding or removing another run does not repaint it.
 */
import { MAX_COMPARED_RUNS } from '@common/schemas'

/** Eight hues that stay apart for the common colour-vision deficiencies (after Tableau 10). */
export const COMPARE_PALETTE = {
  light: ['#2f6fe4', '#e8711a', '#159a55', '#d6336c', '#7b4fd6', '#0e93ad', '#a87a06', '#5f6b7d'],
  dark: ['#6aa5ff', '#ff9a4d', '#3ecf7e', '#ff6b9a', '#b197fc', '#3bc9db', '#f5c542', '#a3adbd'],
} as const

/**
 * Palette slots for `ids`: those in `previous` keep theirs, new ones take the lowest free slot.
 * Returns a new map holding exactly `ids` (at most eight).
 */
export function assignColorSlots(
  ids: readonly string[],
  previous: ReadonlyMap<string, number> = new Map(),
): Map<string, number> {
  const slots = new Map<string, number>()
  const used = new Set<number>()
  for (const id of ids) {
    const slot = previous.get(id)
    if (slot !== undefined && slot < MAX_COMPARED_RUNS && !used.has(slot)) {
      slots.set(id, slot)
      used.add(slot)
    }
  }
  for (const id of ids) {
    if (slots.has(id)) continue
    let slot = 0
    while (used.has(slot)) slot++
    if (slot >= MAX_COMPARED_RUNS) break
    slots.set(id, slot)
    used.add(slot)
  }
  return slots
}

/** Whether a CSS colour (`#rgb`, `#rrggbb` or `rgb(...)`) is dark, i.e. the dark theme shows. */
export function isDarkColor(color: string): boolean {
  const rgb = parseColor(color)
  if (!rgb) return false
  const [r, g, b] = rgb.map((c) => c / 255)
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
}

/** The colour of palette slot `slot` in the theme whose surface colour is `surface`. */
export function slotColor(slot: number, surface: string): string {
  const palette = isDarkColor(surface) ? COMPARE_PALETTE.dark : COMPARE_PALETTE.light
  return palette[((slot % palette.length) + palette.length) % palette.length]
}

/** `color` with alpha `alpha`, for faded lines; accepts `#rrggbb` and `#rgb`. */
export function withAlpha(color: string, alpha: number): string {
  const rgb = parseColor(color)
  if (!rgb) return color
  return `rgba(${rgb.join(', ')}, ${alpha})`
}

function parseColor(color: string): [number, number, number] | null {
  const text = color.trim()
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text)
  if (hex) {
    const digits = hex[1].length === 3 ? [...hex[1]].map((d) => d + d).join('') : hex[1]
    return [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16)) as [number, number, number]
  }
  const rgb = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(text)
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : null
}
