/**
 * Functions assembled for one shape, compiled once per process and instantiated once per wasm
 * heap (the main thread and every replica worker have their own backend, so their own heap).
 * Shapes recur every step, so each key is assembled and compiled once; the batch size is a
 * run-time argument of every kernel, so a last, shorter batch needs no new code.
 */
import type { BackendWasm } from '../kernel-utils'
import { assembleModule, type FunctionBuilder } from './assembler'

/** An assembled function: pointers into the backend's heap and counts, no result. */
export type AssembledFunction = (...args: number[]) => void

// The project's lib settings (no DOM) leave out WebAssembly's JS API; this much is used.
interface WasmJsApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, AssembledFunction> }
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmJsApi }).WebAssembly

const modules = new Map<string, { module: object; name: string }>()
const instances = new WeakMap<object, Map<string, AssembledFunction>>()

/** The keys of every function assembled in this process so far (tests check a route ran). */
export function assembledKeys(): string[] {
  return [...modules.keys()]
}

/** The backend's heap (its `WebAssembly.Memory`), which our modules import. */
function backendMemory(backend: BackendWasm): object {
  return (backend.wasm as unknown as { asm: { memory: object } }).asm.memory
}

/**
 * The function `build()` makes, bound to this backend's heap. `key` must name everything the
 * code depends on (the kernel, its geometry, the instruction set).
 */
export function assembled(
  backend: BackendWasm,
  key: string,
  build: () => FunctionBuilder,
): AssembledFunction {
  const memory = backendMemory(backend)
  let bound = instances.get(memory)
  if (!bound) {
    bound = new Map()
    instances.set(memory, bound)
  }
  const cached = bound.get(key)
  if (cached) return cached
  let compiled = modules.get(key)
  if (!compiled) {
    const f = build()
    compiled = { module: new wasmApi.Module(assembleModule([f])), name: f.name }
    modules.set(key, compiled)
  }
  const fn = new wasmApi.Instance(compiled.module, { env: { memory } }).exports[compiled.name]
  bound.set(key, fn)
  return fn
}
