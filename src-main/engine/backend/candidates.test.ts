import { describe, expect, it, vi } from 'vitest'
import type { GpuAdapter } from '@common/schemas'
import { UserError } from '../errors'
import type { BackendEnvironment, CandidateSpec } from './candidates'
import { probeCandidates } from './candidates'
import { createBackendSelector } from './selector'

interface FakeMachine {
  installed?: string[]
  gpus?: string[]
  loadError?: Record<string, string>
  unregistered?: string[]
  startError?: Record<string, string>
  /** What the GPU adapter probe answers: an adapter, or the reason there is none. */
  adapter?: GpuAdapter | string
}

const WEBGPU_PACKAGES = ['@tensorflow/tfjs-backend-webgpu', 'webgpu']
const LLVMPIPE: GpuAdapter = {
  vendor: '',
  architecture: '',
  device: 'llvmpipe-llvm-15-0-6-256-bits-',
  description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6',
  api: 'OpenGLES',
  software: true,
}
const RTX: GpuAdapter = {
  vendor: 'nvidia',
  architecture: 'lovelace',
  device: 'NVIDIA GeForce RTX 4070',
  description: 'NVIDIA: 550.54',
  api: 'Vulkan',
  software: false,
}

function notFound(pkg: string): Error {
  return Object.assign(new Error(`Cannot find module '${pkg}'`), { code: 'MODULE_NOT_FOUND' })
}

function fakeEnv(machine: FakeMachine) {
  const installed = new Set([
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-backend-cpu',
    ...(machine.installed ?? []),
  ])
  const registered = new Set<string>()
  const env = {
    resolve: vi.fn((pkg: string) => {
      if (!installed.has(pkg)) throw notFound(pkg)
    }),
    load: vi.fn(async (pkg: string) => {
      const error = machine.loadError?.[pkg]
      if (error) throw new Error(error)
      const backend = pkg.includes('tfjs-node') ? 'tensorflow' : pkg.endsWith('wasm') ? 'wasm' : 'cpu'
      if (!machine.unregistered?.includes(pkg)) registered.add(backend)
    }),
    isRegistered: (name: string) => registered.has(name),
    gpuDevices: () => machine.gpus ?? [],
    gpuAdapter: vi.fn(async () => {
      if (typeof machine.adapter === 'object') return machine.adapter
      throw new Error(machine.adapter ?? 'Dawn found no adapter through Vulkan or OpenGLES')
    }),
    version: () => '4.22.0',
    start: vi.fn(async (spec: CandidateSpec) => {
      const error = machine.startError?.[spec.name]
      if (error) throw new Error(error)
      if (spec.name === 'webgpu' && typeof machine.adapter === 'object') {
        return { device: 'the probed adapter', threads: 1, adapter: machine.adapter }
      }
      return { device: spec.name === 'tensorflow-gpu' ? 'RTX (CUDA)' : 'CPU', threads: 1 }
    }),
  } satisfies BackendEnvironment
  return env
}

const reasons = (report: Awaited<ReturnType<typeof probeCandidates>>) =>
  Object.fromEntries(report.candidates.map((c) => [c.name, [c.available, c.reason]]))

describe('probeCandidates', () => {
  it('falls back to wasm when the natives are not installed, and says why', async () => {
    const report = await probeCandidates('auto', fakeEnv({}))
    expect(report.selected).toBe('wasm')
    expect(reasons(report)).toEqual({
      'tensorflow-gpu': [false, 'not installed'],
      webgpu: [false, 'not installed'],
      tensorflow: [false, 'not installed'],
      wasm: [true, undefined],
      cpu: [true, 'not chosen: wasm is used'],
    })
  })

  it('prefers the GPU package when a GPU is seen, and does not load the CPU native next to it', async () => {
    const env = fakeEnv({ installed: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'], gpus: ['RTX'] })
    const report = await probeCandidates('auto', env)
    expect(report.selected).toBe('tensorflow-gpu')
    expect(reasons(report).tensorflow).toEqual([false, 'not tried: tensorflow-gpu is used'])
    expect(reasons(report).wasm).toEqual([true, 'not chosen: tensorflow-gpu is used'])
    expect(env.load).not.toHaveBeenCalledWith('@tensorflow/tfjs-node')
  })

  it('skips the GPU package without a GPU and takes the CPU native', async () => {
    const env = fakeEnv({ installed: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] })
    const report = await probeCandidates('tensorflow', env)
    expect(report.selected).toBe('tensorflow')
    expect(reasons(report)['tensorflow-gpu']).toEqual([false, 'no GPU device seen'])
    expect(reasons(report).wasm).toEqual([true, 'not chosen: the setting forces tensorflow'])
    expect(env.load).not.toHaveBeenCalledWith('@tensorflow/tfjs-node-gpu')
  })

  it('reports a package that fails to load with its first message line', async () => {
    const env = fakeEnv({
      installed: ['@tensorflow/tfjs-node'],
      loadError: {
        '@tensorflow/tfjs-node': 'libtensorflow.so.2: cannot open shared object file\n  at stack',
      },
    })
    const report = await probeCandidates('auto', env)
    expect(reasons(report).tensorflow).toEqual([
      false,
      'failed to load: libtensorflow.so.2: cannot open shared object file',
    ])
    expect(report.selected).toBe('wasm')
  })

  it('reports a package that registers its backend with another copy of tfjs-core', async () => {
    const env = fakeEnv({ installed: ['@tensorflow/tfjs-node'], unregistered: ['@tensorflow/tfjs-node'] })
    const report = await probeCandidates('auto', env)
    expect(reasons(report).tensorflow[1]).toMatch(/^failed to load: it registered no 'tensorflow' backend/)
  })

  it('does not load natives the setting excludes, but says whether they are installed', async () => {
    const env = fakeEnv({ installed: ['@tensorflow/tfjs-node'] })
    const report = await probeCandidates('wasm', env)
    expect(report.selected).toBe('wasm')
    expect(reasons(report)).toEqual({
      'tensorflow-gpu': [false, 'not installed'],
      webgpu: [false, 'not installed'],
      tensorflow: [false, 'not tried: the setting forces wasm'],
      wasm: [true, undefined],
      cpu: [true, 'not chosen: the setting forces wasm'],
    })
    expect(env.load).not.toHaveBeenCalledWith('@tensorflow/tfjs-node')
  })

  it('finds a software WebGPU adapter but takes wasm on auto, and says why', async () => {
    const env = fakeEnv({ installed: WEBGPU_PACKAGES, adapter: LLVMPIPE })
    const report = await probeCandidates('auto', env)
    expect(report.selected).toBe('wasm')
    const webgpu = report.candidates.find((c) => c.name === 'webgpu')!
    expect(webgpu).toMatchObject({ available: true, adapter: LLVMPIPE })
    expect(webgpu.reason).toBe(
      'not chosen: software adapter, wasm is faster on the CPU (llvmpipe-llvm-15-0-6-256-bits (OpenGLES, software); set the backend to webgpu to use it anyway)',
    )
  })

  it('takes a hardware WebGPU adapter on auto, before the CPU native, which it does not load', async () => {
    const env = fakeEnv({ installed: [...WEBGPU_PACKAGES, '@tensorflow/tfjs-node'], adapter: RTX })
    const report = await probeCandidates('auto', env)
    expect(report.selected).toBe('webgpu')
    const webgpu = report.candidates.find((c) => c.name === 'webgpu')!
    expect(webgpu.adapter).toEqual(RTX)
    expect(webgpu.reason).toBeUndefined()
    expect(reasons(report).tensorflow).toEqual([false, 'not tried: webgpu is used'])
    expect(env.load).not.toHaveBeenCalledWith('@tensorflow/tfjs-node')
  })

  it('uses a software adapter when the setting forces webgpu', async () => {
    const report = await probeCandidates('webgpu', fakeEnv({ installed: WEBGPU_PACKAGES, adapter: LLVMPIPE }))
    expect(report.selected).toBe('webgpu')
    expect(reasons(report).wasm).toEqual([true, 'not chosen: the setting forces webgpu'])
  })

  it('says why webgpu is out: no adapter, or Dawn not installed', async () => {
    const none = await probeCandidates('auto', fakeEnv({ installed: WEBGPU_PACKAGES }))
    expect(reasons(none).webgpu).toEqual([
      false,
      'no GPU adapter: Dawn found no adapter through Vulkan or OpenGLES',
    ])
    const noDawn = await probeCandidates(
      'auto',
      fakeEnv({ installed: ['@tensorflow/tfjs-backend-webgpu'], adapter: RTX }),
    )
    expect(reasons(noDawn).webgpu).toEqual([false, 'not installed (it needs the package webgpu)'])
  })

  it('does not look for a WebGPU adapter behind tensorflow-gpu', async () => {
    const env = fakeEnv({
      installed: ['@tensorflow/tfjs-node-gpu', ...WEBGPU_PACKAGES],
      gpus: ['RTX'],
      adapter: RTX,
    })
    const report = await probeCandidates('auto', env)
    expect(report.selected).toBe('tensorflow-gpu')
    expect(reasons(report).webgpu).toEqual([false, 'not tried: tensorflow-gpu is used'])
    expect(env.gpuAdapter).not.toHaveBeenCalled()
  })

  it('selects nothing when the forced backend is unavailable', async () => {
    const report = await probeCandidates('tensorflow', fakeEnv({}))
    expect(report.selected).toBeNull()
  })
})

describe('createBackendSelector', () => {
  it('caches the report per preference', async () => {
    const env = fakeEnv({})
    const selector = createBackendSelector(env)
    const first = await selector.probeBackends('auto')
    expect(await selector.probeBackends('auto')).toBe(first)
    const loads = env.load.mock.calls.length
    await selector.probeBackends('cpu')
    expect(env.load.mock.calls.length).toBeGreaterThan(loads)
  })

  it('activates the selected backend and names its package version', async () => {
    const env = fakeEnv({ installed: ['@tensorflow/tfjs-node-gpu'], gpus: ['RTX'] })
    const { used, report } = await createBackendSelector(env).activateBackend('auto')
    expect(used).toEqual({ name: 'tensorflow-gpu', version: '4.22.0', device: 'RTX (CUDA)', threads: 1 })
    expect(report.selected).toBe('tensorflow-gpu')
  })

  it('names the adapter a webgpu run uses', async () => {
    const env = fakeEnv({ installed: WEBGPU_PACKAGES, adapter: LLVMPIPE })
    const { used } = await createBackendSelector(env).activateBackend('webgpu')
    expect(used).toEqual({
      name: 'webgpu',
      version: '4.22.0',
      device: 'the probed adapter',
      threads: 1,
      adapter: LLVMPIPE,
    })
  })

  it('forcing an unavailable backend is a UserError naming it and the reason', async () => {
    const selector = createBackendSelector(fakeEnv({}))
    const error = await selector.activateBackend('tensorflow').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect((error as UserError).code).toBe('unavailable')
    expect((error as UserError).message).toContain('The tensorflow backend cannot be used')
    expect((error as UserError).message).toContain('tensorflow: not installed')
  })

  it('falls back to the next backend when the selected one fails to start, and reports it', async () => {
    const env = fakeEnv({ startError: { wasm: 'WebAssembly.instantiate(): out of memory' } })
    const selector = createBackendSelector(env)
    const { used, report } = await selector.activateBackend('auto')
    expect(used.name).toBe('cpu')
    expect(reasons(report).wasm).toEqual([false, 'failed to start: WebAssembly.instantiate(): out of memory'])
    expect((await selector.probeBackends('auto')).selected).toBe('cpu')
  })

  it('a forced backend that fails to start is a UserError', async () => {
    const env = fakeEnv({ startError: { wasm: 'no WebAssembly' } })
    await expect(createBackendSelector(env).activateBackend('wasm')).rejects.toThrow(
      /failed to start: no WebAssembly/,
    )
  })
})
