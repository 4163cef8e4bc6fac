/**
 * A convolution's forward pass as an implicit GEMM, assembled for one layer's geometry:
 *   out[n, oh, ow, co] = sum over kh, kw, ci of x[n, oh*sh + kh, ow*sw + kw, ci] * w[kh, kw, ci, co]
 * with x already padded. A tile is up to 4 neighbouring output pixels of one output row by a
 * few vectors of output channels; for one kernel row kh the window's (kw, ci) values lie next
 * to each other in x, and so do w's rows, so the shared dimension runs over contiguous memory.
 * Optionally adds a bias per output channel and applies ReLU on the way out (FusedConv2D).
 */
import { FunctionBuilder } from './assembler'
import { TILE_ROWS, TileSet, tileLoop, vectorsFor } from './gemm-tile'

/** The geometry a convolution kernel is assembled for (x padded, so no bounds to check). */
export interface ConvGeometry {
  inHeight: number
  inWidth: number
  inChannels: number
  outHeight: number
  outWidth: number
  /** A multiple of 4 for the forward pass and the filter gradient. */
  outChannels: number
  filterHeight: number
  filterWidth: number
  strideHeight: number
  strideWidth: number
}

/** What a convolution's output gets on the way out. */
export interface ConvEpilogue {
  bias: boolean
  relu: boolean
}

/** A pointer that walks a convolution's output pixels, or the input pixels under them. */
export interface PixelPointer {
  /** A local at the start of the current output row's pixels. */
  row: number
  /** A local at the current row tile's first pixel. */
  tile: number
  /** Bytes to the next output pixel of a row, to the next output row, and past an image's last. */
  pixel: number
  perRow: number
  afterImage: number
}

/**
 * For every image and output row, tiles of up to TILE_ROWS neighbouring output pixels:
 * `body(rows)` with each pointer's `tile` at the tile's first pixel.
 */
export function overOutputRows(
  f: FunctionBuilder,
  batch: number,
  g: ConvGeometry,
  pointers: PixelPointer[],
  body: (rows: number) => void,
): void {
  const [n, oh, rowTiles] = [f.local('i32'), f.local('i32'), f.local('i32')]
  f.forRange(n, batch, () => {
    f.repeat(oh, g.outHeight, () => {
      for (const p of pointers) f.get(p.row).set(p.tile)
      const advance = pointers.map((p) => ({ local: p.tile, bytes: p.pixel }))
      tileLoop(f, rowTiles, g.outWidth, TILE_ROWS, advance, body)
      for (const p of pointers) f.inc(p.row, p.perRow)
    })
    for (const p of pointers) if (p.afterImage !== 0) f.inc(p.row, p.afterImage)
  })
}

/** The function `convForward(x, w, bias, out, batch)` for geometry `g` (bias ignored without `epilogue.bias`). */
export function convForwardFunction(
  g: ConvGeometry,
  epilogue: ConvEpilogue,
  relaxed: boolean,
): FunctionBuilder {
  const f = new FunctionBuilder('convForward', ['i32', 'i32', 'i32', 'i32', 'i32'])
  const [x, w, bias, out, batch] = [0, 1, 2, 3, 4]
  const [colTiles, kh, k] = Array.from({ length: 3 }, () => f.local('i32'))
  const [xRow, outRow, tileA, tileOut, colW, colOut, colBias, aPtr, bPtr] = Array.from({ length: 9 }, () =>
    f.local('i32'),
  )
  const tiles = new TileSet(f, relaxed)
  const pixelBytes = g.inChannels * 4
  const inRowBytes = g.inWidth * pixelBytes
  const windowRow = g.filterWidth * g.inChannels
  const outPixelBytes = g.outChannels * 4
  const wRowBytes = g.outChannels * 4

  const emitTile = (rows: number, vectors: number) => {
    const tile = tiles.get(rows, vectors)
    const aOffsets = Array.from({ length: rows }, (_, r) => r * g.strideWidth * pixelBytes)
    tile.zero()
    f.get(tileA).set(aPtr)
    f.get(colW).set(bPtr)
    f.repeat(kh, g.filterHeight, () => {
      f.repeat(k, windowRow, () => {
        tile.step(aPtr, aOffsets, bPtr)
        f.inc(aPtr, 4).inc(bPtr, wRowBytes)
      })
      f.inc(aPtr, inRowBytes - windowRow * 4)
    })
    tile.store(
      colOut,
      aOffsets.map((_, r) => r * outPixelBytes),
      { bias: epilogue.bias ? colBias : undefined, relu: epilogue.relu },
    )
  }

  const emitRowTile = (rows: number) => {
    f.get(w).set(colW)
    f.get(tileOut).set(colOut)
    f.get(bias).set(colBias)
    const vectors = g.outChannels / 4
    tileLoop(
      f,
      colTiles,
      vectors,
      vectorsFor(rows, vectors),
      [
        { local: colW, bytes: 16 },
        { local: colOut, bytes: 16 },
        { local: colBias, bytes: 16 },
      ],
      (v) => emitTile(rows, v),
    )
  }

  f.get(x).set(xRow)
  f.get(out).set(outRow)
  overOutputRows(
    f,
    batch,
    g,
    [
      {
        row: xRow,
        tile: tileA,
        pixel: g.strideWidth * pixelBytes,
        perRow: g.strideHeight * inRowBytes,
        // Rows of x below the last window (valid padding, strides) are skipped.
        afterImage: (g.inHeight - g.outHeight * g.strideHeight) * inRowBytes,
      },
      { row: outRow, tile: tileOut, pixel: outPixelBytes, perRow: g.outWidth * outPixelBytes, afterImage: 0 },
    ],
    emitRowTile,
  )
  return f
}
