/**
 * A minimal WebAssembly assembler: enough of the binary format to emit a few SIMD loops that
 * run on the wasm backend's own heap (imported memory). Emitting the bytes at run time keeps
 * the repository free of binaries and of a build step; the kernels read as structured code.
 */

const I32 = 0x7f
const F32 = 0x7d
const V128 = 0x7b
export type ValueType = 'i32' | 'f32' | 'v128'

function uleb(n: number): number[] {
  const out: number[] = []
  do {
    let byte = n & 0x7f
    n >>>= 7
    if (n !== 0) byte |= 0x80
    out.push(byte)
  } while (n !== 0)
  return out
}

function sleb(n: number): number[] {
  const out: number[] = []
  for (;;) {
    const byte = n & 0x7f
    n >>= 7
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte)
      return out
    }
    out.push(byte | 0x80)
  }
}

const typeCode = (t: ValueType) => (t === 'i32' ? I32 : t === 'f32' ? F32 : V128)

/** One function body under construction. Locals are numbered after the parameters. */
export class FunctionBuilder {
  readonly code: number[] = []
  private readonly locals: ValueType[] = []

  constructor(
    readonly name: string,
    readonly params: ValueType[],
  ) {}

  /** A new local of type `t`; returns its index. */
  local(t: ValueType): number {
    this.locals.push(t)
    return this.params.length + this.locals.length - 1
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes)
    return this
  }
  private simd(opcode: number, ...rest: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...rest)
  }

  get(i: number) {
    return this.op(0x20, ...uleb(i))
  }
  set(i: number) {
    return this.op(0x21, ...uleb(i))
  }
  tee(i: number) {
    return this.op(0x22, ...uleb(i))
  }
  i32(n: number) {
    return this.op(0x41, ...sleb(n))
  }
  add() {
    return this.op(0x6a)
  }
  sub() {
    return this.op(0x6b)
  }
  mul() {
    return this.op(0x6c)
  }
  ltS() {
    return this.op(0x48)
  }
  geS() {
    return this.op(0x4e)
  }
  ltU() {
    return this.op(0x49)
  }
  eqz() {
    return this.op(0x45)
  }
  and() {
    return this.op(0x71)
  }
  shrU() {
    return this.op(0x76)
  }
  or() {
    return this.op(0x72)
  }
  /** `local += n` for an i32 local. */
  inc(i: number, n: number) {
    return this.get(i).i32(n).add().set(i)
  }
  /** `local += other` for i32 locals. */
  incBy(i: number, other: number) {
    return this.get(i).get(other).add().set(i)
  }

  block(body: () => void) {
    this.op(0x02, 0x40)
    body()
    return this.op(0x0b)
  }
  loop(body: () => void) {
    this.op(0x03, 0x40)
    body()
    return this.op(0x0b)
  }
  ifThen(body: () => void) {
    this.op(0x04, 0x40)
    body()
    return this.op(0x0b)
  }
  br(depth: number) {
    return this.op(0x0c, ...uleb(depth))
  }
  brIf(depth: number) {
    return this.op(0x0d, ...uleb(depth))
  }
  /**
   * `for (counter = 0; counter < limit; counter++) body()`, skipped when limit <= 0.
   * Inside `body`, depth 0 is the loop (continue) and depth 1 the block (break).
   */
  forRange(counter: number, limit: number, body: () => void) {
    this.i32(0).set(counter)
    return this.block(() => {
      this.get(counter).get(limit).geS().brIf(0)
      this.loop(() => {
        body()
        this.inc(counter, 1).get(counter).get(limit).ltS().brIf(0)
      })
    })
  }

  /** `body()` run `times` times (a number known when assembling), counted in `counter`. */
  repeat(counter: number, times: number, body: () => void) {
    if (times <= 0) return this
    if (times === 1) {
      body()
      return this
    }
    this.i32(0).set(counter)
    return this.loop(() => {
      body()
      this.inc(counter, 1).get(counter).i32(times).ltS().brIf(0)
    })
  }

  f32Load(offset = 0) {
    return this.op(0x2a, 2, ...uleb(offset))
  }
  f32Store(offset = 0) {
    return this.op(0x38, 2, ...uleb(offset))
  }
  /** Moves 32 bits as an integer: copies a float without touching its bits. */
  i32Load(offset = 0) {
    return this.op(0x28, 2, ...uleb(offset))
  }
  i32Store(offset = 0) {
    return this.op(0x36, 2, ...uleb(offset))
  }
  f32Add() {
    return this.op(0x92)
  }
  f32Sub() {
    return this.op(0x93)
  }
  f32Mul() {
    return this.op(0x94)
  }
  f32Div() {
    return this.op(0x95)
  }
  f32Sqrt() {
    return this.op(0x91)
  }
  v128Load(offset = 0) {
    return this.simd(0x00, 4, ...uleb(offset))
  }
  v128Store(offset = 0) {
    return this.simd(0x0b, 4, ...uleb(offset))
  }
  /** Loads one float and fills all four lanes with it. */
  v128Load32Splat(offset = 0) {
    return this.simd(0x09, 2, ...uleb(offset))
  }
  /**
   * Stack: a b -> the four floats picked by `lanes` from a's lanes (0-3) and b's (4-7). V8
   * turns the usual patterns (unpack, move high/low halves) into one x64 instruction each.
   */
  f32x4Shuffle(lanes: [number, number, number, number]) {
    return this.simd(0x0d, ...lanes.flatMap((lane) => [0, 1, 2, 3].map((byte) => lane * 4 + byte)))
  }
  /** Pushes a v128 of zeros. */
  v128Zero() {
    return this.simd(0x0c, ...Array<number>(16).fill(0))
  }
  f32x4Splat() {
    return this.simd(0x13)
  }
  f32x4ExtractLane(lane: number) {
    return this.simd(0x1f, lane)
  }
  f32x4Sub() {
    return this.simd(0xe5)
  }
  f32x4Mul() {
    return this.simd(0xe6)
  }
  f32x4Div() {
    return this.simd(0xe7)
  }
  f32x4Sqrt() {
    return this.simd(0xe3)
  }
  f32x4Max() {
    return this.simd(0xe9)
  }
  /** Stack: a b c -> a * b + c, fused or not as the hardware has it (relaxed SIMD). */
  f32x4RelaxedMadd() {
    return this.simd(0x105)
  }
  f32x4Gt() {
    return this.simd(0x44)
  }
  f32x4Add() {
    return this.simd(0xe4)
  }
  v128And() {
    return this.simd(0x4e)
  }
  v128AndNot() {
    return this.simd(0x4f)
  }
  v128Or() {
    return this.simd(0x50)
  }
  /** Stack: a b mask -> for each bit, mask ? a : b. */
  v128Bitselect() {
    return this.simd(0x52)
  }
  f32Const(value: number) {
    const bytes = new Uint8Array(new Float32Array([value]).buffer)
    return this.op(0x43, ...bytes)
  }
  /** Stack: dest value length (bytes) -> fills. */
  memoryFill() {
    return this.op(0xfc, ...uleb(11), 0x00)
  }

  /** The encoded body: local declarations, code, end. */
  encode(): number[] {
    const groups: [number, ValueType][] = []
    for (const t of this.locals) {
      const last = groups.at(-1)
      if (last && last[1] === t) last[0]++
      else groups.push([1, t])
    }
    const body = [
      ...uleb(groups.length),
      ...groups.flatMap(([n, t]) => [...uleb(n), typeCode(t)]),
      ...this.code,
      0x0b,
    ]
    return [...uleb(body.length), ...body]
  }
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload]
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()]
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)]
  return [...uleb(bytes.length), ...bytes]
}

/** A module importing `env.memory` and exporting each function (no results) by its name. */
export function assembleModule(functions: FunctionBuilder[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...uleb(f.params.length), ...f.params.map(typeCode), 0x00])
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, 0x01]
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(functions.map((f) => f.encode()))),
  ]
  return new Uint8Array(bytes)
}
