/**
 * One image file made into the network's input with sharp (libvips): turned upright by its EXIF
 * orientation, alpha dropped, converted to sRGB, resized to a square of the input's side by its
 * fit, and for grey input reduced to one channel with ITU-R 601-2 luma (what PIL's
 * `convert('L')` computes, so a Python program can do the same). GIFs give their first frame;
 * BMPs, which libvips does not read, go through our own reader first.
 */
import { readFile } from 'node:fs/promises'
import type { Sharp, SharpConstructor } from 'sharp'
import type { ImageFit, ImageInput } from '@common/datasets'
import { decodeBmp, isBmp } from './bmp'

/**
 * sharp, loaded on first use: libvips is a large native library, and the processes that only
 * read decoded sets from the cache (trainers, their replica threads) never need it.
 */
let sharpModule: Promise<SharpConstructor> | null = null
async function sharp(...args: Parameters<SharpConstructor>): Promise<Sharp> {
  sharpModule ??= import('sharp').then((module) => module.default)
  return (await sharpModule)(...args)
}

/** The file name endings read as images (case aside), as Keras' image_dataset_from_directory plus WebP. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp'] as const

/** A decoded image: `inputSize`² pixels of 1 or 3 channels, interleaved, and the size it had. */
export interface DecodedImage {
  pixels: Uint8Array
  sourceWidth: number
  sourceHeight: number
}

/** What a file holds before decoding: its size and whether it has colour. */
export interface ImageHeader {
  width: number
  height: number
  grey: boolean
}

const SHARP_FIT: Record<ImageFit, 'cover' | 'contain' | 'fill'> = {
  crop: 'cover',
  pad: 'contain',
  stretch: 'fill',
}

/** Whether a file name ends in one of the image endings. */
export function isImageFileName(name: string): boolean {
  const lower = name.toLowerCase()
  return IMAGE_EXTENSIONS.some((ending) => lower.endsWith(ending))
}

/** Decodes a file (path or its bytes) into the input; throws an Error with the decoder's reason. */
export async function decodeImage(source: string | Uint8Array, input: ImageInput): Promise<DecodedImage> {
  const bytes = typeof source === 'string' ? await readFile(source) : source
  const { image, width, height } = await openImage(bytes)
  return { pixels: await fitImage(image.rotate(), input), sourceWidth: width, sourceHeight: height }
}

/**
 * Raw pixels (1 or 3 channels, interleaved) made into the input as a file would be: for sets
 * stored as pixels (IDX, CIFAR-10) resized or changed in colour.
 */
export async function fitPixels(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 3,
  input: ImageInput,
): Promise<Uint8Array> {
  return fitImage(await sharp(pixels, { raw: { width, height, channels } }), input)
}

async function fitImage(image: Sharp, input: ImageInput): Promise<Uint8Array> {
  const size = input.inputSize
  const { data, info } = await image
    .removeAlpha()
    .toColourspace('srgb')
    .resize(size, size, {
      fit: SHARP_FIT[input.fit],
      position: 'centre',
      background: { r: 0, g: 0, b: 0 },
    })
    .raw()
    .toBuffer({ resolveWithObject: true })
  if (info.channels !== 3 || data.length !== size * size * 3) {
    throw new Error(`the decoder gave ${info.width}x${info.height}x${info.channels}, not ${size}x${size}x3`)
  }
  const rgb = new Uint8Array(data.buffer, data.byteOffset, data.length)
  return input.color === 'grey' ? luma(rgb) : rgb
}

/** The size and colour of a file from its header, without decoding its pixels. */
export async function readImageHeader(path: string): Promise<ImageHeader> {
  const bytes = await readFile(path)
  if (isBmp(bytes)) {
    const bmp = decodeBmp(bytes)
    return { width: bmp.width, height: bmp.height, grey: false }
  }
  const meta = await (await sharp(bytes)).metadata()
  if (!meta.width || !meta.height) throw new Error('the image has no size')
  const grey = meta.space === 'b-w' || meta.space === 'grey16' || (meta.channels ?? 3) <= 2
  return { width: meta.width, height: meta.height, grey }
}

/** Grey from RGB as ITU-R 601-2 luma, in PIL's integer arithmetic: (19595 R + 38470 G + 7471 B + 2^15) >> 16. */
export function luma(rgb: Uint8Array): Uint8Array {
  const grey = new Uint8Array(rgb.length / 3)
  for (let i = 0, j = 0; i < grey.length; i++, j += 3) {
    grey[i] = (rgb[j] * 19595 + rgb[j + 1] * 38470 + rgb[j + 2] * 7471 + 0x8000) >> 16
  }
  return grey
}

async function openImage(bytes: Uint8Array): Promise<{ image: Sharp; width: number; height: number }> {
  if (isBmp(bytes)) {
    const bmp = decodeBmp(bytes)
    const raw = { width: bmp.width, height: bmp.height, channels: 3 as const }
    return { image: await sharp(bmp.pixels, { raw }), width: bmp.width, height: bmp.height }
  }
  const image = await sharp(bytes)
  const meta = await image.metadata()
  if (!meta.width || !meta.height) throw new Error('the image has no size')
  // EXIF orientations 5 to 8 turn the picture a quarter: its upright size is the other way round.
  const turned = (meta.orientation ?? 1) >= 5
  return { image, width: turned ? meta.height : meta.width, height: turned ? meta.width : meta.height }
}

/**
 * The first line of a decoder's message, which libvips repeats over several. libvips keeps one
 * error buffer for all its threads, so while other files decode, its detail after sharp's
 * "Input buffer has corrupt header:" may be on a later line or gone: the next line is taken
 * then, and a colon with nothing after it dropped.
 */
export function decoderReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const [first = '', ...rest] = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  if (!first.endsWith(':')) return first || 'the decoder gave no reason'
  return rest.length > 0 ? `${first} ${rest[0]}` : first.slice(0, -1)
}
