/** Every byte's scaled value, computed once: (x/255 - 0.5) / 0.5, as the notebook does. */
const SCALED = Float32Array.from({ length: 256 }, (_, x) => (x / 255 - 0.5) / 0.5)

/** Scales bytes like the notebook: (x/255 - 0.5) / 0.5, into out (allocated when absent). */
export function normalizePixels(pixels: Uint8Array, out?: Float32Array): Float32Array {
  const target = out ?? new Float32Array(pixels.length)
  if (target.length < pixels.length) {
    throw new RangeError(
      `normalizePixels: out holds ${target.length} values, fewer than ${pixels.length} pixels`,
    )
  }
  for (let i = 0; i < pixels.length; i++) target[i] = SCALED[pixels[i]]
  return target
}
