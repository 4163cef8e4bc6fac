/**
 * WorkbenchAdam: one Adam update of a variable as one wasm kernel (simd/adam.ts), for
 * FusedAdamOptimizer (engine/train/fused-adam.ts). A kernel of our own, registered for wasm
 * only: on other backends the optimizer runs tfjs's own update.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core'
import { util } from '@tensorflow/tfjs-core'
import type { BackendWasm } from './kernel-utils'
import { heapOffset } from './kernel-utils'
import { ADAM_SCALARS, adamFunction } from './simd/adam'
import { assembled } from './simd/assembled'

/** The kernel's name, as the optimizer calls it. */
export const ADAM_KERNEL = 'WorkbenchAdam'

/** The update's scalars (see ADAM_SCALARS), as the kernel's attributes. */
export type AdamAttrs = Record<(typeof ADAM_SCALARS)[number], number>

function adam(args: {
  inputs: { variable: TensorInfo; gradient: TensorInfo; m: TensorInfo; v: TensorInfo }
  backend: BackendWasm
  attrs: AdamAttrs & NamedAttrMap
}): TensorInfo[] {
  const { backend, inputs, attrs } = args
  const { variable, gradient, m, v } = inputs
  const outputs = [variable, m, v].map((t) => backend.makeOutput(t.shape, 'float32'))
  const run = assembled(backend, 'adam', adamFunction)
  run(
    ...[variable, gradient, m, v, ...outputs].map((t) => heapOffset(backend, t)),
    util.sizeFromShape(variable.shape),
    ...ADAM_SCALARS.map((name) => attrs[name]),
  )
  return outputs
}

export const adamConfig: KernelConfig = {
  kernelName: ADAM_KERNEL,
  backendName: 'wasm',
  kernelFunc: adam as unknown as KernelFunc,
}
