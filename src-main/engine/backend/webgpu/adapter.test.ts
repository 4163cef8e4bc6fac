import { describe, expect, it } from 'vitest'
import { adapterLabel, dawnBackendOf, dawnBackendsFor, describeAdapter } from './adapter'

const info = (device: string, extra: Partial<Parameters<typeof describeAdapter>[0]> = {}) => ({
  vendor: '',
  architecture: '',
  device,
  description: '',
  ...extra,
})

describe('dawnBackendsFor', () => {
  it("asks each platform's native API first, and OpenGL ES only on Linux, at the compatibility level", () => {
    expect(dawnBackendsFor('darwin').map((b) => b.api)).toEqual(['Metal'])
    expect(dawnBackendsFor('win32').map((b) => b.api)).toEqual(['D3D12', 'Vulkan'])
    expect(dawnBackendsFor('linux').map((b) => [b.flag, b.featureLevel])).toEqual([
      ['vulkan', 'core'],
      ['opengles', 'compatibility'],
    ])
    expect(dawnBackendOf('OpenGLES')?.flag).toBe('opengles')
    expect(dawnBackendOf('D3D11')).toBeUndefined()
  })
})

describe('describeAdapter', () => {
  it('tells software rasterizers from GPUs', () => {
    const software = [
      info('llvmpipe-llvm-15-0-6-256-bits-', { description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6' }),
      info('llvmpipe (LLVM 15.0.6, 256 bits)', { vendor: 'mesa' }),
      info('SwiftShader Device (Subzero)', { vendor: 'google' }),
      info('', { isFallbackAdapter: true }),
      info('Microsoft Basic Render Driver'),
    ]
    for (const adapter of software)
      expect(describeAdapter(adapter, 'Vulkan').software, adapter.device).toBe(true)
    const gpus = [
      info('NVIDIA GeForce RTX 4070', { vendor: 'nvidia', architecture: 'lovelace' }),
      info('Apple M2', { vendor: 'apple', architecture: 'metal-3' }),
      info('AMD Radeon RX 7800 XT (RADV NAVI32)', { vendor: 'amd', architecture: 'rdna-3' }),
    ]
    for (const adapter of gpus)
      expect(describeAdapter(adapter, 'Vulkan').software, adapter.device).toBe(false)
  })
})

describe('adapterLabel', () => {
  it('names the device, its API, and software when it is', () => {
    const llvmpipe = describeAdapter(info('llvmpipe-llvm-15-0-6-256-bits-'), 'OpenGLES')
    expect(adapterLabel(llvmpipe)).toBe('llvmpipe-llvm-15-0-6-256-bits (OpenGLES, software)')
    const unnamed = describeAdapter(info('', { vendor: 'apple', architecture: 'metal-3' }), 'Metal')
    expect(adapterLabel(unnamed)).toBe('apple metal-3 (Metal)')
  })
})
