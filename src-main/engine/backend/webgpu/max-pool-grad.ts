/**
 * MaxPoolGrad for webgpu, in WGSL. The shipped kernel hands a window's gradient to the LAST of
 * equal maxima; TensorFlow, tfjs's cpu backend and our wasm kernel hand it to the FIRST (in
 * row-major order). Equal maxima are common (after ReLU a window is often all zeros, and
 * quantized inputs tie), so the same run would take different gradients on webgpu than on wasm,
 * and a checkpoint would not resume the same way across them.
 *
 * One invocation per input pixel: it visits the few windows that cover the pixel, finds each
 * window's first maximum again (no positions tensor, one dispatch instead of two) and adds that
 * window's gradient when the maximum is this pixel.
 */
import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs-core'
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu'

const WORKGROUP = 64

class MaxPoolGradProgram implements WebGPUProgram {
  outputShape: number[]
  shaderKey = 'workbenchMaxPoolGrad'
  dispatchLayout = { x: [0, 1, 2, 3] }
  dispatch: [number, number, number]
  variableNames = ['dy', 'x']
  uniforms = 'strides : vec2<i32>, pads : vec2<i32>, filterDims : vec2<i32>, outDims : vec2<i32>,'
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1]
  size = true

  constructor(inShape: number[]) {
    this.outputShape = inShape
    // A flat dispatch; the backend folds it into two dimensions past the per-dimension limit.
    this.dispatch = [Math.ceil(inShape.reduce((a, b) => a * b, 1) / WORKGROUP), 1, 1]
  }

  getUserCode(): string {
    // getX/getDy/getCoordsFromIndex/setOutputAtIndex and uniforms.size come from the backend's
    // shader prefix; xShape is the input's shape as the backend passes it.
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) {
          return;
        }
        let coords = getCoordsFromIndex(index);
        let b = coords[0];
        let xR = coords[1];
        let xC = coords[2];
        let d = coords[3];
        let inDims = vec2<i32>(uniforms.xShape[1], uniforms.xShape[2]);
        // The windows (yR, yC) whose span corner..corner+filter-1 holds this pixel.
        let lo = vec2<i32>(xR, xC) + uniforms.pads - uniforms.filterDims + vec2<i32>(1, 1);
        let hi = vec2<i32>(xR, xC) + uniforms.pads;
        let yMin = max(vec2<i32>(0, 0), (max(lo, vec2<i32>(0, 0)) + uniforms.strides - vec2<i32>(1, 1)) / uniforms.strides);
        let yMax = min(uniforms.outDims - vec2<i32>(1, 1), hi / uniforms.strides);
        var sum = 0.0;
        for (var yR = yMin.x; yR <= yMax.x; yR++) {
          for (var yC = yMin.y; yC <= yMax.y; yC++) {
            let corner = vec2<i32>(yR, yC) * uniforms.strides - uniforms.pads;
            let first = max(corner, vec2<i32>(0, 0));
            let end = min(corner + uniforms.filterDims, inDims);
            // The first strict maximum in row-major order, as cpu's maxPoolPositions finds it.
            var best = -uniforms.INFINITY;
            var at = vec2<i32>(-1, -1);
            for (var r = first.x; r < end.x; r++) {
              for (var c = first.y; c < end.y; c++) {
                let v = getX(b, r, c, d);
                if (v > best) {
                  best = v;
                  at = vec2<i32>(r, c);
                }
              }
            }
            if (at.x == xR && at.y == xC) {
              sum += getDy(b, yR, yC, d);
            }
          }
        }
        setOutputAtIndex(index, sum);
      }
    `
  }
}

function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo }
  backend: WebGPUBackend
  attrs: MaxPoolGradAttrs
}): TensorInfo {
  const { dy, input } = args.inputs
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  )
  const uniforms = [
    { type: 'int32', data: [info.strideHeight, info.strideWidth] },
    { type: 'int32', data: [info.padInfo.top, info.padInfo.left] },
    { type: 'int32', data: [info.filterHeight, info.filterWidth] },
    { type: 'int32', data: [info.outHeight, info.outWidth] },
  ]
  return args.backend.runWebGPUProgram(new MaxPoolGradProgram(input.shape), [dy, input], 'float32', uniforms)
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'webgpu',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
}
