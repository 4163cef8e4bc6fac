import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { UserError } from '../errors'
import {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  decodeIdxBytes,
  decodeIdxPrefix,
  isGzip,
  parseIdxImages,
  parseIdxLabels,
  parseImagesHeader,
} from './idx'
import { idxImageBytes, idxLabelBytes } from './idx-fixtures'

function thrown(fn: () => unknown): UserError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    return error as UserError
  }
  throw new Error('expected a UserError')
}

describe('IDX images', () => {
  it('parses count, size and pixels', () => {
    const images = parseIdxImages(idxImageBytes(3, 5, 4), 'imgs')
    expect(images).toMatchObject({ count: 3, rows: 5, cols: 4 })
    expect(images.pixels.length).toBe(60)
    expect(images.pixels[21]).toBe((1 * 7 + 21) % 256)
  })

  it('names the file and the magic number it found', () => {
    const error = thrown(() => parseIdxImages(idxImageBytes(2, 28, 28, 1234), 'train-images-idx3-ubyte'))
    expect(error.message).toBe(
      'train-images-idx3-ubyte is not an IDX image file: its magic number is 1234, not 2051.',
    )
    expect(error.code).toBe('invalid')
    expect(error.field).toBe('dataset')
  })

  it('says when a label file is given as images', () => {
    expect(thrown(() => parseIdxImages(idxLabelBytes([1, 2]), 'x')).message).toBe(
      'x is not an IDX image file: its magic number is 2049, not 2051 (it looks like a label file).',
    )
  })

  it('reports a truncated file with the size its header declares', () => {
    const bytes = idxImageBytes(3, 28, 28).subarray(0, 1000)
    expect(thrown(() => parseIdxImages(bytes, 't10k-images-idx3-ubyte')).message).toBe(
      't10k-images-idx3-ubyte is truncated: its header declares 3 images of 28x28 pixels (2368 bytes) but it has 1000 bytes.',
    )
  })

  it('reports a file longer than its header declares', () => {
    const bytes = Buffer.concat([idxImageBytes(1, 2, 2), Buffer.alloc(3)])
    expect(thrown(() => parseIdxImages(bytes, 'f')).message).toBe(
      'f is longer than its header declares: 1 images of 2x2 pixels (20 bytes), but it has 23 bytes.',
    )
  })

  it('reports a file shorter than a header', () => {
    expect(thrown(() => parseIdxImages(idxImageBytes(1).subarray(0, 10), 'f')).message).toBe(
      'f is too short to be an IDX file: it has 10 bytes, fewer than its 16-byte header.',
    )
    expect(thrown(() => parseIdxLabels(new Uint8Array(3), 'l')).message).toBe(
      'l is too short to be an IDX file: it has 3 bytes, fewer than its 8-byte header.',
    )
  })

  it('refuses empty sets and empty images', () => {
    expect(thrown(() => parseIdxImages(idxImageBytes(0), 'f')).message).toBe('f holds no images.')
    expect(thrown(() => parseImagesHeader(idxImageBytes(1, 0, 28), 'f')).message).toBe(
      'f declares images of 0x28 pixels, which hold nothing.',
    )
  })

  it('accepts sizes other than 28x28', () => {
    expect(parseIdxImages(idxImageBytes(2, 32, 20), 'f')).toMatchObject({ rows: 32, cols: 20 })
  })
})

describe('IDX labels', () => {
  it('parses labels', () => {
    expect([...parseIdxLabels(idxLabelBytes([3, 0, 9]), 'l').labels]).toEqual([3, 0, 9])
  })

  it('names a label out of range and where it is', () => {
    expect(thrown(() => parseIdxLabels(idxLabelBytes([1, 2, 10]), 'train-labels-idx1-ubyte')).message).toBe(
      'train-labels-idx1-ubyte has label 10 at position 2; labels must be 0 to 9.',
    )
  })

  it('says when an image file is given as labels', () => {
    expect(thrown(() => parseIdxLabels(idxImageBytes(1), 'l')).message).toBe(
      `l is not an IDX label file: its magic number is ${IDX_IMAGES_MAGIC}, not ${IDX_LABELS_MAGIC} (it looks like an image file).`,
    )
  })

  it('reports a truncated label file', () => {
    expect(thrown(() => parseIdxLabels(idxLabelBytes([1, 2, 3]).subarray(0, 9), 'l')).message).toBe(
      'l is truncated: its header declares 3 labels (11 bytes) but it has 9 bytes.',
    )
  })
})

describe('gzip', () => {
  it('is detected by its magic bytes and decompressed; raw bytes pass through', async () => {
    const raw = idxLabelBytes([1, 2, 3])
    const gz = gzipSync(raw)
    expect(isGzip(gz)).toBe(true)
    expect(isGzip(raw)).toBe(false)
    expect(Buffer.from(await decodeIdxBytes(gz, 'l.gz'))).toEqual(raw)
    expect(await decodeIdxBytes(raw, 'l')).toBe(raw)
  })

  it('reports a damaged gzip file', async () => {
    const gz = gzipSync(idxImageBytes(4))
    const damaged = Buffer.concat([gz.subarray(0, 20), Buffer.alloc(20, 0xff)])
    await expect(decodeIdxBytes(damaged, 'train-images-idx3-ubyte.gz')).rejects.toThrow(
      /^train-images-idx3-ubyte\.gz looks gzipped but cannot be decompressed \(.+\)\.$/,
    )
  })

  it('decodes a header from the first bytes of a gzipped file', () => {
    const gz = gzipSync(idxImageBytes(50, 28, 28))
    const header = parseImagesHeader(decodeIdxPrefix(gz.subarray(0, 200), 'f.gz'), 'f.gz')
    expect(header).toEqual({ count: 50, rows: 28, cols: 28 })
  })
})
