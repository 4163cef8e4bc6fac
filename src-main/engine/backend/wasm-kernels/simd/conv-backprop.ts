/**
 * A convolution's two gradients as implicit GEMMs, assembled for one layer's geometry (see
 * ConvGeometry; x and dx padded, so no bounds to check):
 *   dw[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh*sh + kh, ow*sw + kw, ci] * dy[n, oh, ow, co]
 *   dx[n, oh*sh + kh, ow*sw + kw, ci] += sum over co of dy[n, oh, ow, co] * w[kh, kw, ci, co]
 * The filter gradient's tiles are up to 4 neighbouring (kw, ci) rows of one kernel row by a few
 * vectors of output channels, summed over one image's pixels at a time and added to dw, so one
 * image's x and dy stay in cache while every tile passes over them. The input gradient's tiles
 * are up to 4 neighbouring output pixels by a few vectors of one kernel row's (kw, ci) columns
 * (w transposed to [co][kh, kw, ci]); each tile is added straight onto the input pixels it came
 * from (a GEMM with col2im folded into its store).
 */
import { FunctionBuilder } from './assembler'
import { overOutputRows, type ConvGeometry } from './conv-forward'
import { TILE_ROWS, TileSet, tileLoop, vectorsFor } from './gemm-tile'

/** The function `convFilter(x, dy, dw, batch)`: overwrites dw with the filter gradient. */
export function convFilterFunction(g: ConvGeometry, relaxed: boolean): FunctionBuilder {
  const f = new FunctionBuilder('convFilter', ['i32', 'i32', 'i32', 'i32'])
  const [x, dy, dw, batch] = [0, 1, 2, 3]
  const [n, kh, rowTiles, colTiles, oh, ow] = Array.from({ length: 6 }, () => f.local('i32'))
  const [xImage, dyImage, kernelRowX, kernelRowW, tileX, tileW, colDy, colW, aPtr, bPtr] = Array.from(
    { length: 10 },
    () => f.local('i32'),
  )
  const tiles = new TileSet(f, relaxed)
  const pixelBytes = g.inChannels * 4
  const inRowBytes = g.inWidth * pixelBytes
  const windowRow = g.filterWidth * g.inChannels
  const dwRowBytes = g.outChannels * 4
  const vectors = g.outChannels / 4

  const emitTile = (rows: number, tileVectors: number) => {
    const tile = tiles.get(rows, tileVectors)
    tile.zero()
    f.get(tileX).set(aPtr)
    f.get(colDy).set(bPtr)
    const aOffsets = Array.from({ length: rows }, (_, r) => r * 4)
    f.repeat(oh, g.outHeight, () => {
      f.repeat(ow, g.outWidth, () => {
        tile.step(aPtr, aOffsets, bPtr)
        f.inc(aPtr, g.strideWidth * pixelBytes).inc(bPtr, dwRowBytes)
      })
      f.inc(aPtr, g.strideHeight * inRowBytes - g.outWidth * g.strideWidth * pixelBytes)
    })
    tile.store(
      colW,
      aOffsets.map((_, r) => r * dwRowBytes),
      { add: true },
    )
  }

  f.get(dw)
    .i32(0)
    .i32(g.filterHeight * windowRow * dwRowBytes)
    .memoryFill()
  f.get(x).set(xImage)
  f.get(dy).set(dyImage)
  f.forRange(n, batch, () => {
    f.get(xImage).set(kernelRowX)
    f.get(dw).set(kernelRowW)
    f.repeat(kh, g.filterHeight, () => {
      f.get(kernelRowX).set(tileX)
      f.get(kernelRowW).set(tileW)
      tileLoop(
        f,
        rowTiles,
        windowRow,
        TILE_ROWS,
        [
          { local: tileX, bytes: 4 },
          { local: tileW, bytes: dwRowBytes },
        ],
        (rows) => {
          f.get(dyImage).set(colDy)
          f.get(tileW).set(colW)
          tileLoop(
            f,
            colTiles,
            vectors,
            vectorsFor(rows, vectors),
            [
              { local: colDy, bytes: 16 },
              { local: colW, bytes: 16 },
            ],
            (v) => emitTile(rows, v),
          )
        },
      )
      f.inc(kernelRowX, inRowBytes).inc(kernelRowW, windowRow * dwRowBytes)
    })
    f.inc(xImage, g.inHeight * inRowBytes).inc(dyImage, g.outHeight * g.outWidth * dwRowBytes)
  })
  return f
}

/**
 * The function `convInput(dy, wT, dx, batch)` for w transposed to [co][kh, kw, ci]: overwrites
 * dx (padded) with the input gradient. Needs filterWidth x inChannels to be a multiple of 4.
 */
export function convInputFunction(g: ConvGeometry, relaxed: boolean): FunctionBuilder {
  const f = new FunctionBuilder('convInput', ['i32', 'i32', 'i32', 'i32'])
  const [dy, wT, dx, batch] = [0, 1, 2, 3]
  const [kh, colTiles, k] = Array.from({ length: 3 }, () => f.local('i32'))
  const [dyRow, dxRow, tileDy, tileDx, kernelRowW, kernelRowDx, colW, colDx, aPtr, bPtr] = Array.from(
    { length: 10 },
    () => f.local('i32'),
  )
  const tiles = new TileSet(f, relaxed)
  const pixelBytes = g.inChannels * 4
  const inRowBytes = g.inWidth * pixelBytes
  const imageBytes = g.inHeight * inRowBytes
  const windowRow = g.filterWidth * g.inChannels
  const wTRowBytes = g.filterHeight * windowRow * 4
  const dyPixelBytes = g.outChannels * 4

  const emitTile = (rows: number, vectors: number) => {
    const tile = tiles.get(rows, vectors)
    tile.zero()
    f.get(tileDy).set(aPtr)
    f.get(colW).set(bPtr)
    const aOffsets = Array.from({ length: rows }, (_, r) => r * dyPixelBytes)
    f.repeat(k, g.outChannels, () => {
      tile.step(aPtr, aOffsets, bPtr)
      f.inc(aPtr, 4).inc(bPtr, wTRowBytes)
    })
    tile.store(
      colDx,
      aOffsets.map((_, r) => r * g.strideWidth * pixelBytes),
      { add: true },
    )
  }

  f.get(dx).i32(0).get(batch).i32(imageBytes).mul().memoryFill()
  f.get(dy).set(dyRow)
  f.get(dx).set(dxRow)
  overOutputRows(
    f,
    batch,
    g,
    [
      { row: dyRow, tile: tileDy, pixel: dyPixelBytes, perRow: g.outWidth * dyPixelBytes, afterImage: 0 },
      {
        row: dxRow,
        tile: tileDx,
        pixel: g.strideWidth * pixelBytes,
        perRow: g.strideHeight * inRowBytes,
        afterImage: imageBytes - g.outHeight * g.strideHeight * inRowBytes,
      },
    ],
    (rows) => {
      f.get(wT).set(kernelRowW)
      f.get(tileDx).set(kernelRowDx)
      f.repeat(kh, g.filterHeight, () => {
        f.get(kernelRowW).set(colW)
        f.get(kernelRowDx).set(colDx)
        tileLoop(
          f,
          colTiles,
          windowRow / 4,
          vectorsFor(rows, windowRow / 4),
          [
            { local: colW, bytes: 16 },
            { local: colDx, bytes: 16 },
          ],
          (v) => emitTile(rows, v),
        )
        f.inc(kernelRowW, windowRow * 4).inc(kernelRowDx, inRowBytes)
      })
    },
  )
  return f
}
