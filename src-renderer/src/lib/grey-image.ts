/** Grey 8-bit images as the main side sends them (base64 of concatenated pixels), drawn on canvases. */

/** The bytes of a base64 string. */
export function decodeBase64(base64: string): Uint8Array {
  const text = atob(base64)
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return bytes
}

/** Draw image `index` of `pixels` (each `rows` x `cols`, row-major) on `canvas`, opaque grey. */
export function drawGrey(
  canvas: HTMLCanvasElement,
  pixels: Uint8Array,
  index: number,
  rows: number,
  cols: number,
) {
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  const image = ctx.createImageData(cols, rows)
  const offset = index * rows * cols
  for (let i = 0; i < rows * cols; i++) {
    const v = pixels[offset + i] ?? 0
    image.data[i * 4] = v
    image.data[i * 4 + 1] = v
    image.data[i * 4 + 2] = v
    image.data[i * 4 + 3] = 255
  }
  ctx.putImageData(image, 0, 0)
}
