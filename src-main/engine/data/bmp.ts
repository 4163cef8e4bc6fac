/**
 * A reader of Windows BMP files, which libvips (and so sharp) does not load: the uncompressed
 * kinds that image tools write, 24 and 32 bits a pixel (plain or with bit-field masks), 16 bits
 * (5-5-5 or bit-field masks), and 1, 4 and 8 bits with a palette, bottom-up or top-down. RLE and
 * embedded JPEG or PNG compression are refused with a sentence. Alpha is dropped.
 */

/** An image as 8-bit RGB, row-major, top row first. */
export interface RgbImage {
  width: number
  height: number
  /** width * height * 3 bytes. */
  pixels: Uint8Array
}

/** Larger sides than this are refused before anything is allocated. */
const MAX_SIDE = 1 << 15

const COMPRESSION_NAMES: Record<number, string> = {
  1: 'RLE8',
  2: 'RLE4',
  4: 'embedded JPEG',
  5: 'embedded PNG',
}

/** Whether the bytes start like a BMP file ("BM"). */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d
}

/** Decodes a BMP file; throws an Error whose message says what is wrong or unsupported. */
export function decodeBmp(bytes: Uint8Array): RgbImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (!isBmp(bytes) || bytes.length < 26) throw new Error('not a BMP file')
  const dataOffset = view.getUint32(10, true)
  const headerSize = view.getUint32(14, true)
  const core = headerSize === 12
  if (!core && headerSize < 40)
    throw new Error(`BMP header of ${headerSize} bytes is not one of the known kinds`)
  need(bytes, 14 + headerSize)
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true)
  const rawHeight = core ? view.getUint16(20, true) : view.getInt32(22, true)
  const bitsPerPixel = view.getUint16(core ? 24 : 28, true)
  const compression = core ? 0 : view.getUint32(30, true)
  const topDown = rawHeight < 0
  const height = Math.abs(rawHeight)
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new Error(`BMP declares ${width}x${height} pixels`)
  }
  if (compression !== 0 && compression !== 3 && compression !== 6) {
    const name = COMPRESSION_NAMES[compression] ?? `compression ${compression}`
    throw new Error(`${name} BMP files are not supported (only uncompressed ones)`)
  }
  const stride = Math.ceil((width * bitsPerPixel) / 32) * 4
  need(bytes, dataOffset + stride * (height - 1) + Math.ceil((width * bitsPerPixel) / 8))
  const rowStart = (y: number) => dataOffset + (topDown ? y : height - 1 - y) * stride
  const out = new Uint8Array(width * height * 3)

  if (bitsPerPixel <= 8) {
    const palette = readPalette(bytes, view, headerSize, bitsPerPixel, core)
    const colours = palette.length / 3
    const perByte = 8 / bitsPerPixel
    const mask = (1 << bitsPerPixel) - 1
    for (let y = 0; y < height; y++) {
      const row = rowStart(y)
      for (let x = 0; x < width; x++) {
        const byte = bytes[row + Math.floor(x / perByte)]
        const shift = 8 - bitsPerPixel * ((x % perByte) + 1)
        const index = (byte >> shift) & mask
        if (index >= colours) throw new Error(`BMP pixel uses colour ${index} of a ${colours}-colour palette`)
        out.set(palette.subarray(index * 3, index * 3 + 3), (y * width + x) * 3)
      }
    }
    return { width, height, pixels: out }
  }
  if (bitsPerPixel === 24) {
    for (let y = 0; y < height; y++) {
      const row = rowStart(y)
      for (let x = 0; x < width; x++) {
        const s = row + x * 3
        const o = (y * width + x) * 3
        out[o] = bytes[s + 2]
        out[o + 1] = bytes[s + 1]
        out[o + 2] = bytes[s]
      }
    }
    return { width, height, pixels: out }
  }
  if (bitsPerPixel === 16 || bitsPerPixel === 32) {
    const masks = readMasks(view, bitsPerPixel, compression)
    const channels = masks.map(maskShape)
    for (let y = 0; y < height; y++) {
      const row = rowStart(y)
      for (let x = 0; x < width; x++) {
        const value =
          bitsPerPixel === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true)
        const o = (y * width + x) * 3
        for (let c = 0; c < 3; c++) out[o + c] = scaleChannel(value, channels[c])
      }
    }
    return { width, height, pixels: out }
  }
  throw new Error(`BMP files of ${bitsPerPixel} bits a pixel are not supported`)
}

function need(bytes: Uint8Array, length: number): void {
  if (bytes.length < length)
    throw new Error(`BMP file is truncated (${bytes.length} bytes, ${length} needed)`)
}

/** The palette as RGB triples. */
function readPalette(
  bytes: Uint8Array,
  view: DataView,
  headerSize: number,
  bitsPerPixel: number,
  core: boolean,
): Uint8Array {
  const used = core ? 0 : view.getUint32(46, true)
  const entry = core ? 3 : 4
  const start = 14 + headerSize
  // Without a count, the palette fills the space up to the pixels (some writers keep it short).
  const room = Math.floor((view.getUint32(10, true) - start) / entry)
  const count = used > 0 && used <= 1 << bitsPerPixel ? used : Math.max(1, Math.min(1 << bitsPerPixel, room))
  need(bytes, start + count * entry)
  const palette = new Uint8Array(count * 3)
  for (let i = 0; i < count; i++) {
    palette[i * 3] = bytes[start + i * entry + 2]
    palette[i * 3 + 1] = bytes[start + i * entry + 1]
    palette[i * 3 + 2] = bytes[start + i * entry]
  }
  return palette
}

/** Red, green and blue masks: the header's bit fields, or the defaults of the bit depth. */
function readMasks(view: DataView, bitsPerPixel: number, compression: number): number[] {
  if (compression === 0) {
    return bitsPerPixel === 16 ? [0x7c00, 0x03e0, 0x001f] : [0x00ff0000, 0x0000ff00, 0x000000ff]
  }
  // Right after the first 40 bytes of the header: following a 40-byte header, inside a V2-V5 one.
  const at = 14 + 40
  if (view.byteLength < at + 12) throw new Error('BMP file is truncated in its colour masks')
  return [view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true)]
}

interface MaskShape {
  mask: number
  shift: number
  max: number
}

function maskShape(mask: number): MaskShape {
  if (mask === 0) return { mask: 0, shift: 0, max: 0 }
  let shift = 0
  while (((mask >>> shift) & 1) === 0) shift++
  return { mask, shift, max: mask >>> shift }
}

/** A channel's bits scaled to 0-255. */
function scaleChannel(value: number, { mask, shift, max }: MaskShape): number {
  if (max === 0) return 0
  return Math.round((((value & mask) >>> shift) * 255) / max)
}
