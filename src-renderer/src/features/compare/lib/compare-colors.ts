/**
 * One colour per compared run, the same in every chart, table column, matrix and legend. A run
 * keeps its colour while it stays chosen: adding or removing another run does not repaint it.
 */
import { MAX_COMPARED_RUNS } from '@common/schemas'
import { isDarkColor } from '../../../lib/color'

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

/** The colour of palette slot `slot` in the theme whose surface colour is `surface`. */
export function slotColor(slot: number, surface: string): string {
  const palette = isDarkColor(surface) ? COMPARE_PALETTE.dark : COMPARE_PALETTE.light
  return palette[((slot % palette.length) + palette.length) % palette.length]
}
