/**
 * Identity, and Cast to the same dtype, for wasm without a copy. tfjs's engine clones every
 * tensor a gradient needs when it is recorded (each layer's input, output and weights, in
 * every training step), and the shipped kernels copy the whole buffer each time: about 4 ms of
 * a notebook step. Tensors never change in place, so, as the cpu backend does, the result
 * shares the input's buffer and counts one more reference to it.
 */
import type { CastAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from './kernel-utils'
import { runKernel } from './kernel-utils'

/** x again, its buffer shared (one more reference). */
function share(backend: BackendWasm, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype }
}

function identity(args: { inputs: { x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { backend, inputs } = args
  if (inputs.x.dtype === 'string') return runKernel(backend, 'Identity', inputs)
  return share(backend, inputs.x)
}

function cast(args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: CastAttrs }): TensorInfo {
  const { backend, inputs, attrs } = args
  if (inputs.x.dtype !== attrs.dtype || inputs.x.dtype === 'string') {
    return runKernel(backend, 'Cast', inputs, { ...attrs })
  }
  return share(backend, inputs.x)
}

export const identityConfig: KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
}

export const castConfig: KernelConfig = {
  kernelName: 'Cast',
  backendName: 'wasm',
  kernelFunc: cast as unknown as KernelFunc,
}
