/**
 * Images to send for inspection, from what a person gives: grey (0 = background, 255 = ink) from
 * a drawing on the pad or a digit's picture, or an image file's own bytes.
 */
import { MAX_IMAGE_FILE_BYTES } from '@common/requests'

/** What `inspect.activations` takes as `{ kind: 'pixels' }`, without the base64. */
export interface GreyPixels {
  width: number
  height: number
  pixels: Uint8Array
}

/** The ink of RGBA data drawn on a transparent canvas: its alpha channel. */
export function inkFromAlpha(rgba: Uint8ClampedArray, width: number, height: number): GreyPixels {
  const pixels = new Uint8Array(width * height)
  for (let i = 0; i < pixels.length; i++) pixels[i] = rgba[i * 4 + 3]
  return { width, height, pixels }
}

/**
 * Grey ink from the RGBA data of a picture: luminance, composited on white where transparent,
 * inverted when the background is light (a dark digit on paper) so that ink is bright, as in MNIST,
 * and with the background's level taken off.
 */
export function inkFromPicture(rgba: Uint8ClampedArray, width: number, height: number): GreyPixels {
  const pixels = new Uint8Array(width * height)
  let sum = 0
  for (let i = 0; i < pixels.length; i++) {
    const alpha = rgba[i * 4 + 3] / 255
    const luma = 0.299 * rgba[i * 4] + 0.587 * rgba[i * 4 + 1] + 0.114 * rgba[i * 4 + 2]
    const grey = Math.round(luma * alpha + 255 * (1 - alpha))
    pixels[i] = grey
    sum += grey
  }
  // The border tells the background better than the mean when the digit is large.
  const border = borderMean(pixels, width, height)
  const background = Number.isNaN(border) ? sum / pixels.length : border
  const light = background > 127
  if (light) for (let i = 0; i < pixels.length; i++) pixels[i] = 255 - pixels[i]
  // Paper is rarely pure white (nor a screen pure black): take its level off, so that only the
  // digit counts as ink when it is cropped and centred.
  const floor = light ? 255 - background : background
  if (floor > 0 && floor < 255) {
    const gain = 255 / (255 - floor)
    for (let i = 0; i < pixels.length; i++) pixels[i] = Math.max(0, Math.round((pixels[i] - floor) * gain))
  }
  return { width, height, pixels }
}

function borderMean(pixels: Uint8Array, width: number, height: number): number {
  let sum = 0
  let n = 0
  for (let x = 0; x < width; x++) {
    sum += pixels[x] + pixels[(height - 1) * width + x]
    n += 2
  }
  for (let y = 1; y < height - 1; y++) {
    sum += pixels[y * width] + pixels[y * width + width - 1]
    n += 2
  }
  return n > 0 ? sum / n : NaN
}

/**
 * An image file's bytes to send whole: as it is when it fits a request, else drawn at most 1024
 * px on its longer side and saved as a JPEG (a phone's photo is several MB; the network sees a
 * few dozen pixels of it).
 */
export async function imageFileBytes(file: File): Promise<Uint8Array> {
  if (file.size <= MAX_IMAGE_FILE_BYTES) return new Uint8Array(await file.arrayBuffer())
  const bitmap = await createImageBitmap(file).catch(() => {
    throw new Error(`${file.name} is not an image this browser can read.`)
  })
  const scale = Math.min(1, 1024 / Math.max(bitmap.width, bitmap.height))
  const canvas = document.createElement('canvas')
  canvas.width = Math.max(1, Math.round(bitmap.width * scale))
  canvas.height = Math.max(1, Math.round(bitmap.height * scale))
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  bitmap.close()
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92))
  if (!blob || blob.size > MAX_IMAGE_FILE_BYTES) throw new Error(`${file.name} is too large to send.`)
  return new Uint8Array(await blob.arrayBuffer())
}

/** Decodes an image file and draws it at most `maxSide` px on its longer side; RGBA out. */
export async function readImageFile(
  file: File,
  maxSide = 280,
): Promise<{ rgba: Uint8ClampedArray; width: number; height: number }> {
  const bitmap = await createImageBitmap(file).catch(() => {
    throw new Error(`${file.name} is not an image this browser can read.`)
  })
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height))
  const width = Math.max(1, Math.round(bitmap.width * scale))
  const height = Math.max(1, Math.round(bitmap.height * scale))
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const context = canvas.getContext('2d')
  if (!context) throw new Error('This browser gave no 2D canvas to read the image with.')
  context.drawImage(bitmap, 0, 0, width, height)
  bitmap.close()
  return { rgba: context.getImageData(0, 0, width, height).data, width, height }
}
