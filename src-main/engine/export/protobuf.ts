/**
 * The little of the protocol-buffers wire format an ONNX file needs: varints, 32-bit floats and
 * length-delimited fields (strings, bytes, nested messages), written field by field in order.
 * Repeated scalars are written one tag each (unpacked), which every parser accepts.
 */

const WIRE_VARINT = 0
const WIRE_LENGTH = 2
const WIRE_FIXED32 = 5

/** A message under construction; `bytes()` gives its encoding. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = []
  private size = 0

  /** An integer field (int32, int64, enum, bool); negative values take ten bytes, as int64 does. */
  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT)
    this.varint(value)
    return this
  }

  /** A repeated integer field, one tag a value. */
  ints(field: number, values: readonly number[]): this {
    for (const value of values) this.int(field, value)
    return this
  }

  /** A float field (32 bits, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32)
    const bytes = new Uint8Array(4)
    new DataView(bytes.buffer).setFloat32(0, value, true)
    this.push(bytes)
    return this
  }

  /** A string field, UTF-8. */
  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value))
  }

  /** A bytes field. */
  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH)
    this.varint(value.length)
    this.push(value)
    return this
  }

  /** A nested message field. */
  message(field: number, value: ProtoWriter): this {
    return this.bytesField(field, value.bytes())
  }

  /** The message's encoding. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size)
    let offset = 0
    for (const chunk of this.chunks) {
      out.set(chunk, offset)
      offset += chunk.length
    }
    return out
  }

  private tag(field: number, wire: number): void {
    if (!Number.isInteger(field) || field < 1) throw new RangeError(`Field number ${field} is not one.`)
    this.varint(field * 8 + wire)
  }

  private varint(value: number | bigint): void {
    if (typeof value === 'number' && !Number.isSafeInteger(value))
      throw new RangeError(`${value} is not an integer a varint can hold exactly.`)
    let rest = BigInt.asUintN(64, BigInt(value))
    const bytes: number[] = []
    do {
      const low = Number(rest & 0x7fn)
      rest >>= 7n
      bytes.push(rest > 0n ? low | 0x80 : low)
    } while (rest > 0n)
    this.push(Uint8Array.from(bytes))
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes)
    this.size += bytes.length
  }
}
