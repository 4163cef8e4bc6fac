/** Reading the compact tensors and images the inspector sends (base64 of their bytes). */
import type { EncodedTensor } from '@common/contract'

/** The bytes of a base64 string. */
export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Base64 of bytes, in slices so that large images do not overflow the argument list. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

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
