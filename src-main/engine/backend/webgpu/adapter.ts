/**
 * What the webgpu backend knows about GPU adapters without touching one: which graphics APIs Dawn
 * can run WebGPU on for each platform, whether an adapter computes in software, and how to name
 * it for a person. Pure, so the rules are tested without a GPU.
 */
import type { GpuAdapter } from '@common/schemas'

/** One of Dawn's backends: the `backend=` flag of its Node bindings and the WebGPU feature level it offers. */
export interface DawnBackend {
  /** As `GpuAdapter.api` names it. */
  api: 'Vulkan' | 'Metal' | 'D3D12' | 'OpenGLES'
  flag: 'vulkan' | 'metal' | 'd3d12' | 'opengles'
  /**
   * OpenGL ES cannot offer all of core WebGPU (Dawn then returns no adapter); its adapters are
   * asked for at the compatibility level, which has what tfjs's shaders need.
   */
  featureLevel: 'core' | 'compatibility'
}

const VULKAN: DawnBackend = { api: 'Vulkan', flag: 'vulkan', featureLevel: 'core' }
const METAL: DawnBackend = { api: 'Metal', flag: 'metal', featureLevel: 'core' }
const D3D12: DawnBackend = { api: 'D3D12', flag: 'd3d12', featureLevel: 'core' }
const OPENGLES: DawnBackend = { api: 'OpenGLES', flag: 'opengles', featureLevel: 'compatibility' }

/** The Dawn backends to ask for an adapter on `platform`, best first. */
export function dawnBackendsFor(platform: NodeJS.Platform): DawnBackend[] {
  switch (platform) {
    case 'darwin':
      return [METAL]
    case 'win32':
      return [D3D12, VULKAN]
    default:
      // Vulkan where the driver has it; OpenGL ES reaches older GPUs and Mesa's llvmpipe.
      return [VULKAN, OPENGLES]
  }
}

/** The Dawn backend `GpuAdapter.api` names; undefined for an API this build does not ask for. */
export function dawnBackendOf(api: string): DawnBackend | undefined {
  return [VULKAN, METAL, D3D12, OPENGLES].find((b) => b.api === api)
}

/** What Dawn says about an adapter (its `GPUAdapterInfo`). */
export interface DawnAdapterInfo {
  vendor: string
  architecture: string
  device: string
  description: string
  /** Dawn sets it for adapters of CPU type (SwiftShader). */
  isFallbackAdapter?: boolean
}

// Rasterizers that run on the CPU: Mesa's llvmpipe, lavapipe and softpipe, Google's SwiftShader,
// and Windows' WARP ("Microsoft Basic Render Driver").
const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render/i

/** The adapter as the contract carries it: Dawn's strings, the API, and whether it is software. */
export function describeAdapter(info: DawnAdapterInfo, api: DawnBackend['api']): GpuAdapter {
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ')
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    api,
    software: info.isFallbackAdapter === true || SOFTWARE.test(text),
  }
}

/** A short name for a person: "NVIDIA GeForce RTX 4070 (Vulkan)", "llvmpipe (OpenGLES, software)". */
export function adapterLabel(adapter: GpuAdapter): string {
  const name =
    adapter.device.replace(/-+$/, '') ||
    [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') ||
    adapter.description ||
    'unnamed adapter'
  return `${name} (${adapter.api}${adapter.software ? ', software' : ''})`
}
