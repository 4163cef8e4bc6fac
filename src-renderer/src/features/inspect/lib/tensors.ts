/** Reading the compact tensors and images the inspector sends (base64 of their bytes). */
import type { EncodedTensor } from '@common/contract'
import { base64ToBytes } from '../../../lib/images'

export { base64ToBytes, bytesToBase64 } from '../../../lib/images'

/** The float32 values of an EncodedTensor (little-endian, as every platform the app runs on). */
export function decodeTensor(tensor: EncodedTensor): Float32Array {
  return new Float32Array(base64ToBytes(tensor.dataBase64).buffer)
}

/** Minimum and maximum of channel `channel` of an HWC tensor. */
export function channelRange(data: Float32Array, channels: number, channel: number): [number, number] {
  let low = Infinity
  let high = -Infinity
  for (let i = channel; i < data.length; i += channels) {
    const v = data[i]
    if (v < low) low = v
    if (v > high) high = v
  }
  return Number.isFinite(low) ? [low, high] : [0, 0]
}
