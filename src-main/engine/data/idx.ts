/**
 * The IDX file format of MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian header (magic
 * number, then one 32-bit size per dimension) followed by unsigned bytes. Files may be gzipped.
 * Every check ends in a sentence that names the file and says what is wrong with it.
 */
import { constants, gunzip, gunzipSync } from 'node:zlib'
import { promisify } from 'node:util'
import { UserError, errorMessage } from '../errors'
import { CLASS_COUNT } from './catalog'

const gunzipAsync = promisify(gunzip)

/** Magic number of a file of unsigned-byte images (3 dimensions: count, rows, cols). */
export const IDX_IMAGES_MAGIC = 0x00000803
/** Magic number of a file of unsigned-byte labels (1 dimension: count). */
export const IDX_LABELS_MAGIC = 0x00000801

const IMAGES_HEADER_BYTES = 16
const LABELS_HEADER_BYTES = 8
/** No IDX set of ours decompresses to more than this; a larger one is broken or hostile. */
export const MAX_DECOMPRESSED_BYTES = 1 << 30

export interface IdxImagesHeader {
  count: number
  rows: number
  cols: number
}

export interface IdxImages extends IdxImagesHeader {
  /** `count` images of rows x cols bytes, row-major, one after the other. */
  pixels: Uint8Array
}

export interface IdxLabels {
  count: number
  labels: Uint8Array
}

/** Whether the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b
}

/** The IDX content of a file's bytes: decompressed when they are gzipped, as they are otherwise. */
export async function decodeIdxBytes(bytes: Uint8Array, fileName: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes
  try {
    return await gunzipAsync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES })
  } catch (error) {
    throw undecompressable(fileName, error)
  }
}

/**
 * The first bytes of a file's IDX content, decompressing only as much as a header needs, so a
 * listing can count images without reading whole files.
 */
export function decodeIdxPrefix(prefix: Uint8Array, fileName: string): Uint8Array {
  if (!isGzip(prefix)) return prefix
  try {
    // A sync flush returns what the bytes so far decompress to instead of failing on the cut.
    return gunzipSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH })
  } catch (error) {
    throw undecompressable(fileName, error)
  }
}

function undecompressable(fileName: string, error: unknown): UserError {
  return new UserError(
    `${fileName} looks gzipped but cannot be decompressed (${errorMessage(error)}).`,
    'invalid',
    'dataset',
  )
}

/** The header of an image file; checks magic number and sizes but not the length of the file. */
export function parseImagesHeader(bytes: Uint8Array, fileName: string): IdxImagesHeader {
  // The magic number first: a wrong kind of file says more than a short one.
  requireHeader(bytes, 4, IMAGES_HEADER_BYTES, fileName)
  const view = viewOf(bytes)
  const magic = view.getUint32(0)
  if (magic !== IDX_IMAGES_MAGIC) {
    const hint = magic === IDX_LABELS_MAGIC ? ' (it looks like a label file)' : ''
    throw invalid(
      `${fileName} is not an IDX image file: its magic number is ${magic}, not ${IDX_IMAGES_MAGIC}${hint}.`,
    )
  }
  requireHeader(bytes, IMAGES_HEADER_BYTES, IMAGES_HEADER_BYTES, fileName)
  const header = { count: view.getUint32(4), rows: view.getUint32(8), cols: view.getUint32(12) }
  if (header.count === 0) throw invalid(`${fileName} holds no images.`)
  if (header.rows === 0 || header.cols === 0) {
    throw invalid(`${fileName} declares images of ${header.rows}x${header.cols} pixels, which hold nothing.`)
  }
  return header
}

/** The number of labels an IDX label file declares; checks its magic number. */
export function parseLabelsHeader(bytes: Uint8Array, fileName: string): number {
  // The magic number first: a wrong kind of file says more than a short one.
  requireHeader(bytes, 4, LABELS_HEADER_BYTES, fileName)
  const view = viewOf(bytes)
  const magic = view.getUint32(0)
  if (magic !== IDX_LABELS_MAGIC) {
    const hint = magic === IDX_IMAGES_MAGIC ? ' (it looks like an image file)' : ''
    throw invalid(
      `${fileName} is not an IDX label file: its magic number is ${magic}, not ${IDX_LABELS_MAGIC}${hint}.`,
    )
  }
  requireHeader(bytes, LABELS_HEADER_BYTES, LABELS_HEADER_BYTES, fileName)
  const count = view.getUint32(4)
  if (count === 0) throw invalid(`${fileName} holds no labels.`)
  return count
}

/** Parses a whole (decompressed) image file; the pixels are a view onto `bytes`. */
export function parseIdxImages(bytes: Uint8Array, fileName: string): IdxImages {
  const header = parseImagesHeader(bytes, fileName)
  const expected = IMAGES_HEADER_BYTES + header.count * header.rows * header.cols
  const declared = `${header.count} images of ${header.rows}x${header.cols} pixels (${expected} bytes)`
  requireLength(bytes, expected, declared, fileName)
  return { ...header, pixels: bytes.subarray(IMAGES_HEADER_BYTES, expected) }
}

/** Parses a whole (decompressed) label file and checks every label is a class 0 to 9. */
export function parseIdxLabels(bytes: Uint8Array, fileName: string): IdxLabels {
  const count = parseLabelsHeader(bytes, fileName)
  const expected = LABELS_HEADER_BYTES + count
  requireLength(bytes, expected, `${count} labels (${expected} bytes)`, fileName)
  const labels = bytes.subarray(LABELS_HEADER_BYTES, expected)
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= CLASS_COUNT) {
      throw invalid(
        `${fileName} has label ${labels[i]} at position ${i}; labels must be 0 to ${CLASS_COUNT - 1}.`,
      )
    }
  }
  return { count, labels }
}

function requireHeader(bytes: Uint8Array, needed: number, headerBytes: number, fileName: string): void {
  if (bytes.length < needed) {
    throw invalid(
      `${fileName} is too short to be an IDX file: it has ${bytes.length} bytes, fewer than its ${headerBytes}-byte header.`,
    )
  }
}

function requireLength(bytes: Uint8Array, expected: number, declared: string, fileName: string): void {
  if (bytes.length < expected) {
    throw invalid(
      `${fileName} is truncated: its header declares ${declared} but it has ${bytes.length} bytes.`,
    )
  }
  if (bytes.length > expected) {
    throw invalid(
      `${fileName} is longer than its header declares: ${declared}, but it has ${bytes.length} bytes.`,
    )
  }
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function invalid(message: string): UserError {
  return new UserError(message, 'invalid', 'dataset')
}
