/** CSS colours as charts need them: whether one is dark, and one made translucent. */

/** Whether a CSS colour (`#rgb`, `#rrggbb` or `rgb(...)`) is dark, i.e. the dark theme shows. */
export function isDarkColor(color: string): boolean {
  const rgb = parseColor(color)
  if (!rgb) return false
  const [r, g, b] = rgb.map((c) => c / 255)
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
}

/** `color` with alpha `alpha`, for faded lines; accepts `#rrggbb`, `#rgb` and `rgb(...)`. */
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
