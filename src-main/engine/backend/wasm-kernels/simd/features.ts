/**
 * Which SIMD instructions this runtime's WebAssembly accepts. Relaxed SIMD (`f32x4.relaxed_madd`,
 * a fused multiply-add) is on by default in V8 11.4 and later (Electron, Node 22); Node 20 has it
 * behind `--experimental-wasm-relaxed-simd`, which the processes we start (the training process,
 * the bench's runners, the test workers) get from `relaxedSimdExecArgv`. Without it the kernels
 * multiply and add separately: the same results within float rounding, somewhat slower.
 */

import relaxedSimd from './relaxed-simd.json'

// The JS API of WebAssembly is outside the project's lib settings (no DOM); this much is used.
const wasmApi = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } })
  .WebAssembly

/** The flag that enables relaxed SIMD in Node 20's V8. */
export const RELAXED_SIMD_FLAG = relaxedSimd.flag

const RELAXED_PROBE = new Uint8Array(relaxedSimd.probe)

/** Whether this runtime validates relaxed SIMD. */
export function relaxedSimdAvailable(): boolean {
  return wasmApi.validate(RELAXED_PROBE)
}

let forced: boolean | null = null

/** For tests: assemble kernels with (true) or without (false) relaxed SIMD; null goes back to the probe. */
export function forceRelaxedSimd(value: boolean | null): void {
  if (value === true && !relaxedSimdAvailable()) throw new Error('this runtime has no relaxed SIMD')
  forced = value
}

/** Whether kernels assembled now use relaxed SIMD. */
export function useRelaxedSimd(): boolean {
  return forced ?? relaxedSimdAvailable()
}

/**
 * The Node flags a process we start needs for relaxed SIMD: the flag where this same runtime
 * validates it only behind the flag (Node 20: this process lacks it, or was given it itself),
 * nothing where it is on by default. (Node refuses to start with a flag it does not know, so it
 * is never passed blindly.)
 */
export function relaxedSimdExecArgv(): string[] {
  const needsFlag = process.execArgv.includes(RELAXED_SIMD_FLAG) || !relaxedSimdAvailable()
  return needsFlag ? [RELAXED_SIMD_FLAG] : []
}

/** The SIMD instructions the kernels use here, in words (the bench and the backend report print it). */
export function simdFeatures(): string {
  return useRelaxedSimd() ? 'SIMD128 + relaxed SIMD (fused multiply-add)' : 'SIMD128'
}
