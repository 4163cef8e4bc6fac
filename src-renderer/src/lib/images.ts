/** The 8-bit images the main side sends (grey or RGB, channels interleaved, as base64) drawn on a canvas. */

/** The bytes of a base64 string. */
export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Base64 of bytes, in slices so that large images do not overflow the argument list. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

/**
 * The RGBA pixels of image `index` of a run of `rows` x `cols` images of `channels` (1: grey, 3:
 * RGB) bytes each, opaque, ready for `ImageData`.
 */
export function imageRgba(
  pixels: Uint8Array,
  index: number,
  rows: number,
  cols: number,
  channels: number,
): Uint8ClampedArray<ArrayBuffer> {
  const size = rows * cols
  const rgba = new Uint8ClampedArray(size * 4)
  const offset = index * size * channels
  for (let i = 0; i < size; i++) {
    const at = offset + i * channels
    const r = pixels[at] ?? 0
    rgba[i * 4] = r
    rgba[i * 4 + 1] = channels === 3 ? (pixels[at + 1] ?? 0) : r
    rgba[i * 4 + 2] = channels === 3 ? (pixels[at + 2] ?? 0) : r
    rgba[i * 4 + 3] = 255
  }
  return rgba
}

/** Draws image `index` of the run on `canvas` (sized rows x cols). */
export function drawImage(
  canvas: HTMLCanvasElement,
  pixels: Uint8Array,
  index: number,
  rows: number,
  cols: number,
  channels: number,
): void {
  const context = canvas.getContext('2d')
  if (!context) return
  context.putImageData(new ImageData(imageRgba(pixels, index, rows, cols, channels), cols, rows), 0, 0)
}
