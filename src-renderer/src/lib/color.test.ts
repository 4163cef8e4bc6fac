import { describe, expect, it } from 'vitest'
import { isDarkColor, withAlpha } from './color'

describe('colours', () => {
  it('tells a dark surface from a light one', () => {
    expect(isDarkColor('#15181e')).toBe(true)
    expect(isDarkColor('#ffffff')).toBe(false)
    expect(isDarkColor('rgb(21, 24, 30)')).toBe(true)
  })

  it('makes a colour translucent, whatever its alpha was', () => {
    expect(withAlpha('#ff8000', 0.5)).toBe('rgba(255, 128, 0, 0.5)')
    expect(withAlpha('rgba(47, 111, 228, 0.5)', 0.2)).toBe('rgba(47, 111, 228, 0.2)')
  })
})
