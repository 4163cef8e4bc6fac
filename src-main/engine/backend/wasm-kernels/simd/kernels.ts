/**
 * Loops that neither XNNPACK nor the shipped wasm kernels offer, as WebAssembly SIMD over the
 * wasm backend's own heap: the gradient routing of 2x2 max pooling and the scatter-add (col2im)
 * that turns a GEMM's columns into a convolution's input gradient. Pointers are byte offsets
 * into the backend's memory; all tensors are NHWC float32.
 */
import type { backend_util } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '../kernel-utils'
import { assembled } from './assembled'
import { FunctionBuilder } from './assembler'

type Conv2DInfo = backend_util.Conv2DInfo

export interface SimdKernels {
  /**
   * MaxPoolGrad of full 2x2 windows at stride 2 (top-left padding 0; `info` from computePool2DInfo):
   * writes dx of the fullHeight x fullWidth windows, each channel's gradient to the first maximum
   * of its window.
   * Channels must be a multiple of 4; dx outside those windows is left untouched.
   */
  maxPoolGrad2x2(
    x: number,
    dy: number,
    dx: number,
    info: Conv2DInfo,
    fullHeight: number,
    fullWidth: number,
  ): void
  /**
   * dx[n, oh*sh - pt + kh, ow*sw - pl + kw, c] += cols[n, oh, ow, kh, kw, c] for every in-bounds
   * position, c over info.inChannels. dx must be zeroed first.
   */
  col2im(cols: number, dx: number, info: Conv2DInfo): void
  /**
   * cols[(kh, kw, c), (n, oh, ow)] = x[n, oh*sh - pt + kh, ow*sw - pl + kw, c], 0 outside x:
   * the transposed im2col matrix of a convolution's input.
   */
  im2colTransposed(x: number, cols: number, info: Conv2DInfo): void
  /** out[c] = sum over r of x[r, c], for x of `rows` x `columns` floats; overwrites out. */
  sumRows(x: number, out: number, rows: number, columns: number): void
}

/** dst[i] += src[i] over quads*4 + rest floats, four at a time; leaves both pointers past the end. */
function addFloats(
  f: FunctionBuilder,
  dst: number,
  src: number,
  k: number,
  quads: number,
  rest: number,
): void {
  f.forRange(k, quads, () => {
    f.get(dst).get(dst).v128Load().get(src).v128Load().f32x4Add().v128Store()
    f.inc(dst, 16).inc(src, 16)
  })
  f.forRange(k, rest, () => {
    f.get(dst).get(dst).f32Load().get(src).f32Load().f32Add().f32Store()
    f.inc(dst, 4).inc(src, 4)
  })
}

/** The parameters after the two pointers that col2im and im2colTransposed share, in order. */
function windowParams(info: Conv2DInfo): number[] {
  return [
    info.batchSize,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.inHeight,
    info.inWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ]
}

function sumRowsFunction(): FunctionBuilder {
  // x out rows quads rest
  const f = new FunctionBuilder('sumRows', Array<'i32'>(5).fill('i32'))
  const [x, out, rows, quads, rest] = [0, 1, 2, 3, 4]
  const [r, k, src, dst] = Array.from({ length: 4 }, () => f.local('i32'))
  f.get(x).set(src)
  f.forRange(r, rows, () => {
    f.get(out).set(dst)
    addFloats(f, dst, src, k, quads, rest)
  })
  return f
}

function im2colTransposedFunction(): FunctionBuilder {
  // x cols, the window parameters, channels
  const f = new FunctionBuilder('im2colTransposed', Array<'i32'>(14).fill('i32'))
  const [x, cols, batch, outH, outW, kh, kw, inH, inW, sh, sw, pt, pl, channels] = Array.from(
    { length: 14 },
    (_, i) => i,
  )
  const [i, j, c, b, oh, ow, h, w, dst, rowBase, value] = Array.from({ length: 11 }, () => f.local('i32'))
  f.get(cols).set(dst)
  f.forRange(i, kh, () => {
    f.forRange(j, kw, () => {
      f.forRange(c, channels, () => {
        f.forRange(b, batch, () => {
          f.forRange(oh, outH, () => {
            f.get(oh).get(sh).mul().get(pt).sub().get(i).add().set(h)
            // Row start of x[b, h, 0, c] in bytes (only used when h is inside).
            f.get(b)
              .get(inH)
              .mul()
              .get(h)
              .add()
              .get(inW)
              .mul()
              .get(channels)
              .mul()
              .get(c)
              .add()
              .i32(4)
              .mul()
              .get(x)
              .add()
              .set(rowBase)
            f.forRange(ow, outW, () => {
              f.get(ow).get(sw).mul().get(pl).sub().get(j).add().set(w)
              f.i32(0).set(value)
              f.get(h)
                .get(inH)
                .ltU()
                .get(w)
                .get(inW)
                .ltU()
                .and()
                .ifThen(() => {
                  f.get(rowBase).get(w).get(channels).mul().i32(4).mul().add().i32Load().set(value)
                })
              f.get(dst).get(value).i32Store()
              f.inc(dst, 4)
            })
          })
        })
      })
    })
  })
  return f
}

function maxPoolGrad2x2Function(): FunctionBuilder {
  // x g dx batch fullH fullW quads imageBytes rowBytes pixelBytes gImageBytes gRowBytes
  const f = new FunctionBuilder('maxPoolGrad2x2', Array<'i32'>(12).fill('i32'))
  const [x, g, dx, batch, fullH, fullW, quads, imageBytes, rowBytes, pixelBytes, gImageBytes, gRowBytes] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
  ]
  const [b, oh, ow, k, xImage, gImage, xRow, gRow, p, q, delta] = Array.from({ length: 11 }, () =>
    f.local('i32'),
  )
  const [va, vb, vc, vd, best, ta, tb, tc, td, gv] = Array.from({ length: 10 }, () => f.local('v128'))
  f.get(dx).get(x).sub().set(delta)
  f.forRange(b, batch, () => {
    f.get(x).get(b).get(imageBytes).mul().add().set(xImage)
    f.get(g).get(b).get(gImageBytes).mul().add().set(gImage)
    f.forRange(oh, fullH, () => {
      f.get(xImage).get(oh).get(rowBytes).mul().i32(2).mul().add().set(xRow)
      f.get(gImage).get(oh).get(gRowBytes).mul().add().set(gRow)
      f.forRange(ow, fullW, () => {
        f.get(xRow).get(ow).get(pixelBytes).mul().i32(2).mul().add().set(p)
        f.get(gRow).get(ow).get(pixelBytes).mul().add().set(q)
        f.forRange(k, quads, () => {
          f.get(p).v128Load().set(va)
          f.get(p).get(pixelBytes).add().v128Load().set(vb)
          f.get(p).get(rowBytes).add().v128Load().set(vc)
          f.get(p).get(rowBytes).add().get(pixelBytes).add().v128Load().set(vd)
          f.get(q).v128Load().set(gv)
          // First strict maximum from -Infinity, as the cpu backend scans a window.
          f.f32Const(Number.NEGATIVE_INFINITY).f32x4Splat().set(best)
          f.get(va).get(best).f32x4Gt().set(ta)
          f.get(va).get(best).get(ta).v128Bitselect().set(best)
          f.get(vb).get(best).f32x4Gt().set(tb)
          f.get(vb).get(best).get(tb).v128Bitselect().set(best)
          f.get(vc).get(best).f32x4Gt().set(tc)
          f.get(vc).get(best).get(tc).v128Bitselect().set(best)
          f.get(vd).get(best).f32x4Gt().set(td)
          // The last pixel that beat the running maximum is the winner.
          f.get(p).get(delta).add()
          f.get(gv)
            .get(ta)
            .get(tb)
            .v128AndNot()
            .get(tc)
            .v128AndNot()
            .get(td)
            .v128AndNot()
            .v128And()
            .v128Store()
          f.get(p).get(delta).add().get(pixelBytes).add()
          f.get(gv).get(tb).get(tc).v128AndNot().get(td).v128AndNot().v128And().v128Store()
          f.get(p).get(delta).add().get(rowBytes).add()
          f.get(gv).get(tc).get(td).v128AndNot().v128And().v128Store()
          f.get(p).get(delta).add().get(rowBytes).add().get(pixelBytes).add()
          f.get(gv).get(td).v128And().v128Store()
          f.inc(p, 16).inc(q, 16)
        })
      })
    })
  })
  return f
}

function col2imFunction(): FunctionBuilder {
  // cols dx, the window parameters, quads rest pixelBytes rowBytes imageBytes
  const f = new FunctionBuilder('col2im', Array<'i32'>(18).fill('i32'))
  const [
    cols,
    dx,
    batch,
    outH,
    outW,
    kh,
    kw,
    inH,
    inW,
    sh,
    sw,
    pt,
    pl,
    quads,
    rest,
    pixelBytes,
    rowBytes,
    imageBytes,
  ] = Array.from({ length: 18 }, (_, i) => i)
  const [b, oh, ow, i, j, k, h, w, src, dst, dxImage, hOk] = Array.from({ length: 12 }, () => f.local('i32'))
  f.get(cols).set(src)
  f.forRange(b, batch, () => {
    f.get(dx).get(b).get(imageBytes).mul().add().set(dxImage)
    f.forRange(oh, outH, () => {
      f.forRange(ow, outW, () => {
        f.forRange(i, kh, () => {
          f.get(oh).get(sh).mul().get(pt).sub().get(i).add().set(h)
          // One unsigned compare checks 0 <= h < H.
          f.get(h).get(inH).ltU().set(hOk)
          f.forRange(j, kw, () => {
            f.get(ow).get(sw).mul().get(pl).sub().get(j).add().set(w)
            f.block(() => {
              f.get(hOk)
                .get(w)
                .get(inW)
                .ltU()
                .and()
                .eqz()
                .ifThen(() => {
                  f.incBy(src, pixelBytes).br(1)
                })
              f.get(dxImage).get(h).get(rowBytes).mul().add().get(w).get(pixelBytes).mul().add().set(dst)
              addFloats(f, dst, src, k, quads, rest)
            })
          })
        })
      })
    })
  })
  return f
}

/** The kernels bound to this backend's heap (each assembled once, instantiated once per heap). */
export function simdKernels(backend: BackendWasm): SimdKernels {
  const exports = {
    maxPoolGrad2x2: assembled(backend, 'maxPoolGrad2x2', maxPoolGrad2x2Function),
    col2im: assembled(backend, 'col2im', col2imFunction),
    im2colTransposed: assembled(backend, 'im2colTransposed', im2colTransposedFunction),
    sumRows: assembled(backend, 'sumRows', sumRowsFunction),
  }
  const kernels: SimdKernels = {
    maxPoolGrad2x2(x, dy, dx, info, fullHeight, fullWidth) {
      const pixelBytes = info.inChannels * 4
      exports.maxPoolGrad2x2(
        x,
        dy,
        dx,
        info.batchSize,
        fullHeight,
        fullWidth,
        info.inChannels / 4,
        info.inHeight * info.inWidth * pixelBytes,
        info.inWidth * pixelBytes,
        pixelBytes,
        info.outHeight * info.outWidth * pixelBytes,
        info.outWidth * pixelBytes,
      )
    },
    col2im(cols, dx, info) {
      const channels = info.inChannels
      const pixelBytes = channels * 4
      exports.col2im(
        cols,
        dx,
        ...windowParams(info),
        channels >> 2,
        channels & 3,
        pixelBytes,
        info.inWidth * pixelBytes,
        info.inHeight * info.inWidth * pixelBytes,
      )
    },
    im2colTransposed(x, cols, info) {
      exports.im2colTransposed(x, cols, ...windowParams(info), info.inChannels)
    },
    sumRows(x, out, rows, columns) {
      exports.sumRows(x, out, rows, columns >> 2, columns & 3)
    },
  }
  return kernels
}
