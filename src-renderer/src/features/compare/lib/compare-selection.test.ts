import { describe, expect, it } from 'vitest'
import { pruneSelection, sameSelection, toggleSelection } from './compare-selection'

describe('compare selection', () => {
  it('adds at the end and removes where it was', () => {
    expect(toggleSelection(['a'], 'b')).toEqual(['a', 'b'])
    expect(toggleSelection(['a', 'b', 'c'], 'b')).toEqual(['a', 'c'])
  })

  it('adds nothing past the maximum', () => {
    const full = ['1', '2', '3', '4', '5', '6', '7', '8']
    expect(toggleSelection(full, '9')).toEqual(full)
    expect(toggleSelection(['a', 'b'], 'c', 2)).toEqual(['a', 'b'])
  })

  it('drops runs that are gone and duplicates', () => {
    expect(pruneSelection(['a', 'x', 'b', 'a'], new Set(['a', 'b']))).toEqual(['a', 'b'])
    expect(sameSelection(['a', 'b'], ['a', 'b'])).toBe(true)
    expect(sameSelection(['a', 'b'], ['b', 'a'])).toBe(false)
  })
})
