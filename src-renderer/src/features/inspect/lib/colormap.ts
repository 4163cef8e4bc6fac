/**
 * Colour lookup tables for feature maps and filters, 256 entries each, made once from published
 * stops: viridis (perceptually uniform, lightness rising monotonically, readable by most colour
 * vision deficiencies) for activations, and ColorBrewer's RdBu (diverging, neutral at zero) for
 * weights, whose sign matters.
 */

/** 256 RGB triples, flattened: [r0, g0, b0, r1, ...]. */
export type ColorTable = Uint8ClampedArray

const VIRIDIS_STOPS = [
  '#440154',
  '#482878',
  '#3e4a89',
  '#31688e',
  '#26828e',
  '#1f9e89',
  '#35b779',
  '#6dcd59',
  '#b4de2c',
  '#fde725',
]

/** Blue for negative, near-white at zero, red for positive. */
const DIVERGING_STOPS = [
  '#053061',
  '#2166ac',
  '#4393c3',
  '#92c5de',
  '#d1e5f0',
  '#f7f7f7',
  '#fddbc7',
  '#f4a582',
  '#d6604d',
  '#b2182b',
  '#67001f',
]

/** A 256-entry table interpolated linearly between evenly spaced hex stops. */
export function tableFromStops(stops: readonly string[]): ColorTable {
  const rgb = stops.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)))
  const table = new Uint8ClampedArray(256 * 3)
  for (let i = 0; i < 256; i++) {
    const position = (i / 255) * (stops.length - 1)
    const low = Math.min(Math.floor(position), stops.length - 2)
    const t = position - low
    for (let c = 0; c < 3; c++) table[i * 3 + c] = Math.round(rgb[low][c] * (1 - t) + rgb[low + 1][c] * t)
  }
  return table
}

export const VIRIDIS: ColorTable = tableFromStops(VIRIDIS_STOPS)
export const DIVERGING: ColorTable = tableFromStops(DIVERGING_STOPS)

/**
 * Paints `values` (width x height, read with `stride` and `offset` so a channel of an HWC tensor
 * needs no copy) into RGBA `out`, mapping [low, high] onto the table. A flat range paints the
 * lowest colour.
 */
export function paint(
  values: Float32Array,
  width: number,
  height: number,
  low: number,
  high: number,
  table: ColorTable,
  out: Uint8ClampedArray,
  stride = 1,
  offset = 0,
): void {
  const span = high - low
  const scale = span > 0 ? 255 / span : 0
  for (let i = 0; i < width * height; i++) {
    const v = values[offset + i * stride]
    const index = Math.max(0, Math.min(255, Math.round((v - low) * scale))) * 3
    out[i * 4] = table[index]
    out[i * 4 + 1] = table[index + 1]
    out[i * 4 + 2] = table[index + 2]
    out[i * 4 + 3] = 255
  }
}

/**
 * Paints three channels of `values` as red, green and blue into RGBA `out`: pixel i's red is at
 * `offset + i * stride`, its green `channelStep` after it and its blue `channelStep` after that
 * (1 in an HWC image; the filter count in a conv kernel [kh, kw, 3, filters]), each mapped from
 * [low, high] onto 0-255.
 */
export function paintRgb(
  values: Float32Array,
  width: number,
  height: number,
  low: number,
  high: number,
  out: Uint8ClampedArray,
  stride = 3,
  offset = 0,
  channelStep = 1,
): void {
  const span = high - low
  const scale = span > 0 ? 255 / span : 0
  for (let i = 0; i < width * height; i++) {
    const at = offset + i * stride
    for (let c = 0; c < 3; c++) out[i * 4 + c] = Math.round((values[at + c * channelStep] - low) * scale)
    out[i * 4 + 3] = 255
  }
}
