import { describe, expect, it } from 'vitest'
import { decodeBmp } from './bmp'
import { encodeBmp24 } from './image-folder.fixtures'

/** A BMP with a 40-byte header (plus `extra` bytes after it: masks or a palette) and the pixel rows given. */
function bmp(options: {
  width: number
  height: number
  bits: number
  compression?: number
  extra?: number[]
  rows: number[][]
  topDown?: boolean
}): Buffer {
  const extra = Buffer.from(options.extra ?? [])
  const stride = Math.ceil((options.width * options.bits) / 32) * 4
  const offset = 54 + extra.length
  const bytes = Buffer.alloc(offset + stride * options.height)
  bytes.write('BM', 0, 'latin1')
  bytes.writeUInt32LE(bytes.length, 2)
  bytes.writeUInt32LE(offset, 10)
  bytes.writeUInt32LE(40, 14)
  bytes.writeInt32LE(options.width, 18)
  bytes.writeInt32LE(options.topDown ? -options.height : options.height, 22)
  bytes.writeUInt16LE(1, 26)
  bytes.writeUInt16LE(options.bits, 28)
  bytes.writeUInt32LE(options.compression ?? 0, 30)
  extra.copy(bytes, 54)
  // Rows as stored in the file: the first one given is the first in the file.
  options.rows.forEach((row, i) => Buffer.from(row).copy(bytes, offset + i * stride))
  return bytes
}

const u32 = (value: number) => [value & 255, (value >> 8) & 255, (value >> 16) & 255, (value >>> 24) & 255]

describe('BMP reader', () => {
  it('reads 24-bit bottom-up files with padded rows, as written by image editors', () => {
    // 3x2: top row red, green, blue; bottom row white, black, grey.
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 128, 128])
    const image = decodeBmp(encodeBmp24(3, 2, rgb))
    expect([image.width, image.height]).toEqual([3, 2])
    expect(Array.from(image.pixels)).toEqual(Array.from(rgb))
  })

  it('reads 8-bit palette files (palette order BGR0) and odd widths', () => {
    const palette = [0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 0, 0] // red, blue, green
    const file = bmp({ width: 3, height: 1, bits: 8, extra: palette, rows: [[2, 0, 1]] })
    file.writeUInt32LE(3, 46) // three colours used
    expect(Array.from(decodeBmp(file).pixels)).toEqual([0, 255, 0, 255, 0, 0, 0, 0, 255])
  })

  it('reads 4-bit and 1-bit palette files, high bits first', () => {
    const palette = [0, 0, 0, 0, 255, 255, 255, 0]
    const one = bmp({ width: 3, height: 1, bits: 1, extra: palette, rows: [[0b10100000]] })
    expect(Array.from(decodeBmp(one).pixels)).toEqual([255, 255, 255, 0, 0, 0, 255, 255, 255])
    const four = bmp({ width: 2, height: 1, bits: 4, extra: palette, rows: [[0x01]] })
    expect(Array.from(decodeBmp(four).pixels)).toEqual([0, 0, 0, 255, 255, 255])
  })

  it('reads 32-bit files with bit-field masks, top-down', () => {
    // Masks for a pixel stored as 0xRRGGBBAA.
    const masks = [...u32(0xff000000), ...u32(0x00ff0000), ...u32(0x0000ff00)]
    const file = bmp({
      width: 1,
      height: 2,
      bits: 32,
      compression: 3,
      extra: masks,
      topDown: true,
      rows: [u32(0x10203040), u32(0xa0b0c0d0)],
    })
    expect(Array.from(decodeBmp(file).pixels)).toEqual([0x10, 0x20, 0x30, 0xa0, 0xb0, 0xc0])
  })

  it('reads 16-bit 5-5-5 files, scaling each channel to 0-255', () => {
    const file = bmp({ width: 2, height: 1, bits: 16, rows: [[0x00, 0x7c, 0x1f, 0x00]] })
    expect(Array.from(decodeBmp(file).pixels)).toEqual([255, 0, 0, 0, 0, 255])
  })

  it('refuses compressed and truncated files with a reason', () => {
    expect(() => decodeBmp(bmp({ width: 1, height: 1, bits: 8, compression: 1, rows: [] }))).toThrow(
      'RLE8 BMP files are not supported (only uncompressed ones)',
    )
    const whole = encodeBmp24(4, 4, new Uint8Array(48))
    expect(() => decodeBmp(whole.subarray(0, whole.length - 20))).toThrow(/BMP file is truncated/)
    expect(() => decodeBmp(Buffer.from('BMnot really'))).toThrow('not a BMP file')
  })
})
