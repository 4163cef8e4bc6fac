/**
 * A batched matrix product assembled for one shape: c[i, j] = sum over k of a[i, k] * b[k, j],
 * with a as [M, K], b as [K, N] with N a multiple of 4, and optionally a bias per column and
 * ReLU on the way out (_FusedMatMul). Column panels of b are the outer loop: each is first
 * copied to a scratch buffer, its K rows of 8 floats back to back, so that every row tile of a
 * then reads it sequentially (b's own rows are N floats apart: at 1024 columns, 4 KiB apart,
 * every row on a new page and in the same cache set, which halves the speed).
 */
import { FunctionBuilder } from './assembler'
import { TILE_ROWS, TileSet, tileLoop } from './gemm-tile'
import type { ConvEpilogue } from './conv-forward'

export interface MatMulGeometry {
  m: number
  k: number
  /** A multiple of 4. */
  n: number
  /** Whether a and b advance with the batch (else one matrix serves every batch entry). */
  batchA: boolean
  batchB: boolean
}

/** Floats of scratch memory `matMul` needs: one packed panel of b. */
export function matMulScratchFloats(g: MatMulGeometry): number {
  return g.k * 8
}

/**
 * The function `matMul(a, b, bias, c, batch, scratch)` for geometry `g` (bias ignored without
 * `epilogue.bias`; scratch: `matMulScratchFloats` floats).
 */
export function matMulFunction(g: MatMulGeometry, epilogue: ConvEpilogue, relaxed: boolean): FunctionBuilder {
  const f = new FunctionBuilder('matMul', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'])
  const [a, b, bias, c, batch, scratch] = [0, 1, 2, 3, 4, 5]
  const [entry, colTiles, rowTiles, k] = Array.from({ length: 4 }, () => f.local('i32'))
  const [aMatrix, bMatrix, cMatrix, colB, colC, colBias, rowA, rowC, aPtr, bPtr] = Array.from(
    { length: 10 },
    () => f.local('i32'),
  )
  const tiles = new TileSet(f, relaxed)
  const rowBytes = g.k * 4
  const cRowBytes = g.n * 4

  const emitTile = (rows: number, vectors: number) => {
    const tile = tiles.get(rows, vectors)
    const aOffsets = Array.from({ length: rows }, (_, r) => r * rowBytes)
    tile.zero()
    f.get(rowA).set(aPtr)
    f.get(scratch).set(bPtr)
    f.repeat(k, g.k, () => {
      tile.step(aPtr, aOffsets, bPtr)
      f.inc(aPtr, 4).inc(bPtr, vectors * 16)
    })
    tile.store(
      rowC,
      aOffsets.map((_, r) => r * cRowBytes),
      { bias: epilogue.bias ? colBias : undefined, relu: epilogue.relu },
    )
  }

  f.get(a).set(aMatrix)
  f.get(b).set(bMatrix)
  f.get(c).set(cMatrix)
  f.forRange(entry, batch, () => {
    f.get(bMatrix).set(colB)
    f.get(cMatrix).set(colC)
    f.get(bias).set(colBias)
    tileLoop(
      f,
      colTiles,
      g.n / 4,
      2,
      [
        { local: colB, bytes: 16 },
        { local: colC, bytes: 16 },
        { local: colBias, bytes: 16 },
      ],
      (vectors) => {
        // The panel: b's next 4 x vectors columns, row after row, into scratch.
        f.get(colB).set(aPtr)
        f.get(scratch).set(bPtr)
        f.repeat(k, g.k, () => {
          for (let v = 0; v < vectors; v++)
            f.get(bPtr)
              .get(aPtr)
              .v128Load(16 * v)
              .v128Store(16 * v)
          f.inc(aPtr, cRowBytes).inc(bPtr, vectors * 16)
        })
        f.get(aMatrix).set(rowA)
        f.get(colC).set(rowC)
        tileLoop(
          f,
          rowTiles,
          g.m,
          TILE_ROWS,
          [
            { local: rowA, bytes: rowBytes },
            { local: rowC, bytes: cRowBytes },
          ],
          (rows) => emitTile(rows, vectors),
        )
      },
    )
    if (g.batchA) f.inc(aMatrix, g.m * g.k * 4)
    if (g.batchB) f.inc(bMatrix, g.k * g.n * 4)
    f.inc(cMatrix, g.m * cRowBytes)
  })
  return f
}
