import { describe, expect, it } from 'vitest'
import { MAX_COMPARED_RUNS } from '@common/schemas'
import { COMPARE_PALETTE, assignColorSlots, slotColor } from './compare-colors'

describe('compare colours', () => {
  it('gives new runs the lowest free slot and keeps the slots of runs that stay', () => {
    const first = assignColorSlots(['a', 'b', 'c'])
    expect([...first]).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ])
    const next = assignColorSlots(['a', 'c', 'd'], first)
    expect(next.get('c')).toBe(2)
    expect(next.get('d')).toBe(1)
    expect(next.has('b')).toBe(false)
  })

  it('never gives two runs one slot, and stops at eight', () => {
    const slots = assignColorSlots(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'],
      new Map([
        ['a', 3],
        ['b', 3],
      ]),
    )
    expect(slots.size).toBe(8)
    expect(new Set(slots.values()).size).toBe(8)
    expect(slots.get('a')).toBe(3)
  })

  it('has a colour of each theme for every run the settings may keep chosen', () => {
    expect(COMPARE_PALETTE.light).toHaveLength(MAX_COMPARED_RUNS)
    expect(COMPARE_PALETTE.dark).toHaveLength(MAX_COMPARED_RUNS)
  })

  it('follows the theme by its surface colour', () => {
    expect(slotColor(1, '#fff')).toBe(COMPARE_PALETTE.light[1])
    expect(slotColor(1, '#15181e')).toBe(COMPARE_PALETTE.dark[1])
  })
})
