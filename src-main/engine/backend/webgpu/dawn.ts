/**
 * Dawn's Node bindings (the npm package `webgpu`): loading them, the environment they need, and
 * asking them for an adapter through one of Dawn's backends. Used by the adapter probe process
 * and by the process that trains on webgpu.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { GpuAdapter } from '@common/schemas'
import { describeAdapter, type DawnAdapterInfo, type DawnBackend } from './adapter'

/** The part of WebGPU's `GPUAdapter` used here. */
interface DawnAdapter {
  info: DawnAdapterInfo
}

/** The part of WebGPU's `GPU` (navigator.gpu) used here. */
export interface DawnGpu {
  requestAdapter(options?: Record<string, unknown>): Promise<DawnAdapter | null>
}

interface DawnModule {
  create(flags: string[]): DawnGpu
  /** WebGPU's global constructors and enums (GPUBufferUsage, GPUMapMode...). */
  globals: Record<string, unknown>
}

// An optional dependency: named through a variable, so that neither the type checker nor the
// bundler needs it installed.
const PACKAGE = 'webgpu'
let dawn: Promise<DawnModule> | null = null

/** Loads the bindings once (an ES module, so through import()); throws when dawn.node cannot load. */
export function loadDawn(): Promise<DawnModule> {
  dawn ??= (import(/* @vite-ignore */ PACKAGE) as Promise<DawnModule>).catch((error: unknown) => {
    dawn = null
    throw error
  })
  return dawn
}

/**
 * Sets what the drivers under `backend` look for, where the user has not: a private
 * XDG_RUNTIME_DIR, without which Mesa's Vulkan and Wayland code print an error line per instance,
 * and, for OpenGL ES only, EGL without a display (`surfaceless`, which Mesa needs on a machine
 * with no window system; set for GL alone, since the processes started later inherit it).
 */
export function prepareDawnEnvironment(backend: DawnBackend, env: NodeJS.ProcessEnv = process.env): void {
  if (backend.api === 'OpenGLES') env.EGL_PLATFORM ??= 'surfaceless'
  if (!env.XDG_RUNTIME_DIR) {
    const dir = mkdtempSync(join(tmpdir(), 'cnn-workbench-xdg-'))
    env.XDG_RUNTIME_DIR = dir
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  }
}

/** A GPU object over one Dawn backend whose requestAdapter always asks at that backend's feature level. */
export function gpuFor(module: DawnModule, backend: DawnBackend): DawnGpu {
  const gpu = module.create([`backend=${backend.flag}`])
  const request = gpu.requestAdapter.bind(gpu)
  // tfjs's webgpu backend calls requestAdapter itself, with no feature level.
  gpu.requestAdapter = (options) => request({ ...options, featureLevel: backend.featureLevel })
  return gpu
}

/** Dawn's adapter through `backend`, described; null when that backend has none here. */
export async function findAdapter(module: DawnModule, backend: DawnBackend): Promise<GpuAdapter | null> {
  const adapter = await gpuFor(module, backend).requestAdapter({ powerPreference: 'high-performance' })
  return adapter ? describeAdapter(adapter.info, backend.api) : null
}
