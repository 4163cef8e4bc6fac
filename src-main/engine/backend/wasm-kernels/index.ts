/**
 * Training kernels for the wasm backend. Its package ships forward kernels on XNNPACK but no
 * Conv2DBackpropFilter (so a convolution cannot train at all), a direct-loop
 * Conv2DBackpropInput, a naive loop for transposed BatchMatMul, a MaxPoolGrad that is wrong
 * for windows of negative values, a Sum that transposes before reducing leading axes and a
 * Slice that copies its whole input first, and nothing that trains batch normalization.
 * `registerWasmTrainingKernels` puts ours in their place, and adds the batch-norm ones.
 * Call it before the wasm backend is first set (each kernel's setup runs when it is).
 */
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core'
import type { KernelConfig } from '@tensorflow/tfjs-core'
import { adamConfig } from './adam'
import { batchMatMulConfig, fusedMatMulConfig } from './batch-mat-mul'
import { batchNormTrainingConfig, batchNormTrainingGradConfig } from './batch-norm'
import { conv2DConfig, fusedConv2DConfig } from './conv2d'
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter'
import { conv2DBackpropInputConfig } from './conv2d-backprop-input'
import { castConfig, identityConfig } from './identity'
import { keepShipped } from './kernel-utils'
import { maxPoolGradConfig } from './max-pool-grad'
import { sliceConfig } from './slice'
import { sumConfig } from './sum'
import { transposeConfig } from './transpose'

/** Every kernel this module registers for 'wasm', by name. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2DConfig,
  fusedConv2DConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  maxPoolGradConfig,
  sumConfig,
  sliceConfig,
  transposeConfig,
  adamConfig,
  identityConfig,
  castConfig,
  batchNormTrainingConfig,
  batchNormTrainingGradConfig,
]

let registered = false

/**
 * Registers our training kernels for 'wasm', replacing shipped ones of the same name. Needs
 * `@tensorflow/tfjs-backend-wasm` loaded first (its kernels must be in the registry). Idempotent.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return
  for (const config of WASM_TRAINING_KERNELS) {
    const original = keepShipped(config.kernelName)
    if (original) unregisterKernel(config.kernelName, 'wasm')
    // The shipped kernel's setup (binding its C function) must still run: ours may delegate to it.
    registerKernel({ ...config, setupFunc: original?.setupFunc, disposeFunc: original?.disposeFunc })
  }
  registered = true
}

/** Whether our kernels are the ones registered for 'wasm' now. */
export function wasmTrainingKernelsRegistered(): boolean {
  return WASM_TRAINING_KERNELS.every((c) => getKernel(c.kernelName, 'wasm')?.kernelFunc === c.kernelFunc)
}
