/**
 * Float tensors as they cross to the renderer: base64 of the float32 bytes (a quarter of the
 * size of a JSON array of numbers, and no parsing of numbers on the other side), with the range.
 */
import type { EncodedTensor } from '@common/contract'

/** Encodes `data` (row-major, channel-last) as an EncodedTensor of `shape`. */
export function encodeTensor(data: Float32Array, shape: number[]): EncodedTensor {
  const size = shape.reduce((a, b) => a * b, 1)
  if (size !== data.length)
    throw new RangeError(`encodeTensor: shape [${shape}] needs ${size} values, got ${data.length}`)
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < data.length; i++) {
    const v = data[i]
    if (v < min) min = v
    if (v > max) max = v
  }
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return {
    shape,
    dataBase64: bytes.toString('base64'),
    min: data.length > 0 ? min : 0,
    max: data.length > 0 ? max : 0,
  }
}

/** The values of an EncodedTensor (tests, and anything on the main side that reads one back). */
export function decodeTensor(tensor: EncodedTensor): Float32Array {
  const bytes = Buffer.from(tensor.dataBase64, 'base64')
  const copy = new Uint8Array(bytes.byteLength)
  copy.set(bytes)
  return new Float32Array(copy.buffer)
}
