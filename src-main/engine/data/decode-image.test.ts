import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { ImageInput } from '@common/datasets'
import { decodeImage, decoderReason, fitPixels, luma } from './decode-image'
import { SHAPE_CLASSES, encodeBmp24, shapeImage, truncatedJpeg } from './image-folder.fixtures'

const RGB8: ImageInput = { inputSize: 8, color: 'rgb', fit: 'crop' }

/** A width x height image whose left half is red and right half blue (PNG). */
async function redBlue(width: number, height: number, alpha = 1): Promise<Buffer> {
  const half = width / 2
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${half}" height="${height}" fill="rgb(255,0,0)" fill-opacity="${alpha}"/><rect x="${half}" width="${half}" height="${height}" fill="rgb(0,0,255)" fill-opacity="${alpha}"/></svg>`
  return sharp(Buffer.from(svg)).png().toBuffer()
}

const pixel = (pixels: Uint8Array, size: number, x: number, y: number) =>
  Array.from(pixels.subarray((y * size + x) * 3, (y * size + x) * 3 + 3))

describe('decoding an image into the input', () => {
  it('crops the middle, pads with black or stretches a wide picture', async () => {
    const wide = await redBlue(40, 10)
    const crop = await decodeImage(wide, RGB8)
    expect([crop.sourceWidth, crop.sourceHeight]).toEqual([40, 10])
    // The centre 10x10 of 40x10 straddles the halves: red left of the middle, blue right.
    expect(pixel(crop.pixels, 8, 0, 4)).toEqual([255, 0, 0])
    expect(pixel(crop.pixels, 8, 7, 4)).toEqual([0, 0, 255])
    const pad = await decodeImage(wide, { ...RGB8, fit: 'pad' })
    // 40x10 into 8x8 keeps 8x2 in the middle rows; above and below is black.
    expect(pixel(pad.pixels, 8, 3, 0)).toEqual([0, 0, 0])
    expect(pixel(pad.pixels, 8, 0, 3)).toEqual([255, 0, 0])
    const stretch = await decodeImage(wide, { ...RGB8, fit: 'stretch' })
    expect(pixel(stretch.pixels, 8, 0, 0)).toEqual([255, 0, 0])
    expect(pixel(stretch.pixels, 8, 7, 7)).toEqual([0, 0, 255])
  })

  it('makes grey with ITU-R 601-2 luma, as PIL does', async () => {
    const grey = await decodeImage(await redBlue(16, 16), { ...RGB8, color: 'grey' })
    expect(grey.pixels.length).toBe(64)
    // (19595 * 255 + 2^15) >> 16 = 76 for red, (7471 * 255 + 2^15) >> 16 = 29 for blue.
    expect(grey.pixels[0]).toBe(76)
    expect(grey.pixels[7]).toBe(29)
    expect(Array.from(luma(Uint8Array.from([255, 255, 255, 0, 255, 0])))).toEqual([255, 150])
  })

  it('drops alpha, and turns grey files into three equal channels', async () => {
    // As PIL's convert('RGB'): the colour stays what the file stores under its transparency.
    const translucent = await decodeImage(await redBlue(8, 8, 0.5), RGB8)
    expect(translucent.pixels.length).toBe(192)
    expect(pixel(translucent.pixels, 8, 1, 1)).toEqual([255, 0, 0])
    const greyPng = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#646464' } })
      .toColourspace('b-w')
      .png()
      .toBuffer()
    expect((await sharp(greyPng).metadata()).channels).toBe(1)
    expect(pixel((await decodeImage(greyPng, RGB8)).pixels, 8, 3, 3)).toEqual([100, 100, 100])
  })

  it('reads every supported format to the same picture', async () => {
    const shape = SHAPE_CLASSES[1]
    const reference = (await decodeImage(await shapeImage(shape, 0, 'png'), RGB8)).pixels
    for (const format of ['jpeg', 'webp', 'gif', 'bmp'] as const) {
      const decoded = await decodeImage(await shapeImage(shape, 0, format), RGB8)
      const meanDifference =
        decoded.pixels.reduce((sum, v, i) => sum + Math.abs(v - reference[i]), 0) / reference.length
      expect(meanDifference, format).toBeLessThan(12)
    }
  })

  it('gives the decoder’s reason in one line, also when libvips left its detail on the next line or lost it', () => {
    const reason = (message: string) => decoderReason(new Error(message))
    expect(reason('VipsJpeg: premature end of JPEG image\nVipsJpeg: premature end of JPEG image')).toBe(
      'VipsJpeg: premature end of JPEG image',
    )
    // Seen here in about 6% of truncated JPEGs decoded 200 at a time.
    expect(
      reason('Input buffer has corrupt header: VipsJpeg: premature end of JPEG image\nVipsJpeg: x'),
    ).toBe('Input buffer has corrupt header: VipsJpeg: premature end of JPEG image')
    expect(reason('Input buffer has corrupt header:\nVipsJpeg: premature end of JPEG image')).toBe(
      'Input buffer has corrupt header: VipsJpeg: premature end of JPEG image',
    )
    expect(reason('Input buffer has corrupt header:')).toBe('Input buffer has corrupt header')
    expect(reason('')).toBe('the decoder gave no reason')
  })

  it('refuses a truncated JPEG and a file that is no image, with the decoder reason', async () => {
    await expect(decodeImage(await truncatedJpeg(), RGB8)).rejects.toThrow(/premature end of JPEG/)
    await expect(decodeImage(Buffer.from('hello'), RGB8)).rejects.toThrow(/unsupported image format/)
    await expect(decodeImage(encodeBmp24(4, 4, new Uint8Array(48)).subarray(0, 60), RGB8)).rejects.toThrow(
      /truncated/,
    )
  })

  it('resizes stored pixels (IDX, CIFAR) the same way, grey to RGB and back', async () => {
    const grey = Uint8Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 200 : 0))
    const rgb = await fitPixels(grey, 4, 4, 1, { inputSize: 4, color: 'rgb', fit: 'crop' })
    expect(pixel(rgb, 4, 0, 0)).toEqual([200, 200, 200])
    expect(pixel(rgb, 4, 3, 0)).toEqual([0, 0, 0])
    const bigger = await fitPixels(grey, 4, 4, 1, { inputSize: 8, color: 'grey', fit: 'crop' })
    expect(bigger.length).toBe(64)
    expect(bigger[0]).toBeGreaterThan(150)
    expect(bigger[7]).toBeLessThan(50)
  })
})
