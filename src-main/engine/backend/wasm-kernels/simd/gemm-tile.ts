/**
 * The register-blocked core of every GEMM-shaped kernel: a tile of `rows` x `vectors` four-float
 * accumulators kept in SIMD registers while the shared dimension runs. Each step loads one row
 * of B (`vectors` loads), broadcasts one value of A per row and multiplies-adds it into the
 * row's accumulators: one fused `f32x4.relaxed_madd` with relaxed SIMD, else a multiply and an
 * add. Tiles are small on purpose: x64 has 16 SIMD registers, but V8's register allocator
 * starts spilling accumulators to the stack beyond about 11 live values (measured on this
 * project's AMD EPYC, the notebook's second convolution: 4x2 tiles at 93% of the core's
 * multiply-add peak, 5x2 and 6x2 tiles at about half of it; unrolling the shared loop spills too).
 */
import type { FunctionBuilder } from './assembler'

/** The most SIMD values a tile keeps live: accumulators, B's vectors and one broadcast. */
export const TILE_REGISTERS = 11

/** The rows of a full tile. */
export const TILE_ROWS = 4

export interface TileShape {
  rows: number
  vectors: number
}

/** Vectors per row for a tile of `rows` rows: two for full tiles, more for narrow ones (more chains in flight). */
export function vectorsFor(rows: number, available: number): number {
  return Math.max(1, Math.min(available, Math.floor((TILE_REGISTERS - 1) / (rows + 1)), 4))
}

/** How a tile's results reach memory. */
export interface TileStore {
  /** Add to what is there (a scatter-add, or a sum over images) instead of replacing it. */
  add?: boolean
  /** A local holding the address of this tile's first bias value (one per column). */
  bias?: number
  /** max(0, x) after the bias. */
  relu?: boolean
}

export class Tile {
  private readonly acc: number[][]
  private readonly b: number[]
  private readonly a: number

  constructor(
    private readonly f: FunctionBuilder,
    readonly shape: TileShape,
    private readonly relaxed: boolean,
  ) {
    if (shape.rows * shape.vectors + shape.vectors + 1 > TILE_REGISTERS) {
      throw new Error(`a ${shape.rows}x${shape.vectors} tile needs too many registers`)
    }
    this.acc = Array.from({ length: shape.rows }, () =>
      Array.from({ length: shape.vectors }, () => f.local('v128')),
    )
    this.b = Array.from({ length: shape.vectors }, () => f.local('v128'))
    this.a = f.local('v128')
  }

  /** Sets every accumulator to zero. */
  zero(): void {
    for (const row of this.acc) for (const acc of row) this.f.v128Zero().set(acc)
  }

  /**
   * One step of the shared dimension: B's vectors at `bPtr + bOffset + 16 v`, A's values at
   * `aPtr + aOffsets[r]` (byte offsets, known when the kernel is assembled).
   */
  step(aPtr: number, aOffsets: readonly number[], bPtr: number, bOffset = 0): void {
    const { f, acc, b, a } = this
    b.forEach((bv, v) =>
      f
        .get(bPtr)
        .v128Load(bOffset + 16 * v)
        .set(bv),
    )
    acc.forEach((row, r) => {
      f.get(aPtr).v128Load32Splat(aOffsets[r]).set(a)
      row.forEach((accumulator, v) => {
        if (this.relaxed) f.get(a).get(b[v]).get(accumulator).f32x4RelaxedMadd().set(accumulator)
        else f.get(accumulator).get(a).get(b[v]).f32x4Mul().f32x4Add().set(accumulator)
      })
    })
  }

  /** Writes the accumulators to `cPtr + rowOffsets[r] + 16 v`, as `how` says. */
  store(cPtr: number, rowOffsets: readonly number[], how: TileStore = {}): void {
    const { f } = this
    this.acc.forEach((row, r) => {
      row.forEach((accumulator, v) => {
        const offset = rowOffsets[r] + 16 * v
        f.get(cPtr)
        f.get(accumulator)
        if (how.add) f.get(cPtr).v128Load(offset).f32x4Add()
        if (how.bias !== undefined)
          f.get(how.bias)
            .v128Load(16 * v)
            .f32x4Add()
        if (how.relu) f.v128Zero().f32x4Max()
        f.v128Store(offset)
      })
    })
  }
}

/**
 * Tiles over `total` units (rows, or column vectors): `floor(total / perTile)` runs of
 * `body(perTile)` in a loop counted in `counter`, each followed by advancing `pointers` by
 * `bytes` per unit, then one `body(rest)` for what is left.
 */
export function tileLoop(
  f: FunctionBuilder,
  counter: number,
  total: number,
  perTile: number,
  pointers: { local: number; bytes: number }[],
  body: (units: number) => void,
): void {
  f.repeat(counter, Math.floor(total / perTile), () => {
    body(perTile)
    for (const p of pointers) f.inc(p.local, p.bytes * perTile)
  })
  if (total % perTile !== 0) body(total % perTile)
}

/** One Tile per shape, made on first use, so a function's code paths share their locals. */
export class TileSet {
  private readonly tiles = new Map<string, Tile>()

  constructor(
    private readonly f: FunctionBuilder,
    private readonly relaxed: boolean,
  ) {}

  get(rows: number, vectors: number): Tile {
    const key = `${rows}x${vectors}`
    let tile = this.tiles.get(key)
    if (!tile) {
      tile = new Tile(this.f, { rows, vectors }, this.relaxed)
      this.tiles.set(key, tile)
    }
    return tile
  }
}
