import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeGpuAdapter, type LaunchProbe } from './probe'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-gpu-probe-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A stand-in probe process running `source`: a real process, with the probe's way of answering. */
async function entry(name: string, source: string) {
  const path = join(dir, `${name}.js`)
  await writeFile(path, source)
  return { path, execArgv: [] }
}

describe('probeGpuAdapter', () => {
  it("finds this machine's adapter (Mesa's llvmpipe) through the real probe process", async () => {
    const adapter = await probeGpuAdapter()
    expect(adapter).toMatchObject({ api: 'OpenGLES', software: true })
    expect(adapter.device).toMatch(/^llvmpipe/)
    expect(adapter.description).toMatch(/OpenGL ES .*Mesa/)
  })

  it("says why there is no adapter, with Dawn's warning about the one it turned down", async () => {
    const probe = await entry(
      'none',
      `process.stderr.write('Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.\\n - While initializing adapter\\n')
       console.log(JSON.stringify({ adapter: null, reason: 'Dawn found no adapter through Vulkan' }))`,
    )
    await expect(probeGpuAdapter({ entry: probe })).rejects.toThrow(
      'Dawn found no adapter through Vulkan (Vulkan shaderUniform*ArrayDynamicIndexing required.)',
    )
  })

  it('reports a probe that crashes or hangs, with its last words', async () => {
    const crash = await entry(
      'crash',
      `process.stderr.write('Segmentation fault in the driver\\n'); process.exit(139)`,
    )
    await expect(probeGpuAdapter({ entry: crash })).rejects.toThrow(
      'the GPU adapter probe exited with code 139 (Segmentation fault in the driver)',
    )
    const hang = await entry('hang', 'setInterval(() => undefined, 1000)')
    await expect(probeGpuAdapter({ entry: hang, timeoutMs: 500 })).rejects.toThrow(
      'the GPU adapter probe gave no answer within 0.5 s and was stopped',
    )
  })

  it('reads the answer when the exit is reported before the output', async () => {
    const late = await entry(
      'late',
      `console.log(JSON.stringify({ adapter: null, reason: 'Dawn found no adapter through Metal' }))`,
    )
    // A real process whose output comes through a pipe that delivers it 200 ms after the fact.
    const slowPipe: LaunchProbe = (e) => {
      const child = spawn(process.execPath, [e.path], { stdio: ['ignore', 'pipe', 'pipe'] })
      const stdout = new PassThrough()
      child.stdout.on('data', (chunk: Buffer) => setTimeout(() => stdout.write(chunk), 200))
      child.stdout.on('end', () => setTimeout(() => stdout.end(), 200))
      return {
        stdout,
        stderr: child.stderr,
        kill: () => void child.kill(),
        ended: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
      }
    }
    await expect(probeGpuAdapter({ entry: late, launch: slowPipe })).rejects.toThrow(
      /^Dawn found no adapter through Metal$/,
    )
  })

  it('refuses to start process.execPath as Node under Electron, where that is the app itself', async () => {
    Object.defineProperty(process.versions, 'electron', { value: '41.0.0', configurable: true })
    try {
      await expect(probeGpuAdapter()).rejects.toThrow(
        "the GPU adapter probe could not start: under Electron the probe runs only through the shell's launcher (a utility process)",
      )
    } finally {
      delete (process.versions as Record<string, string | undefined>).electron
    }
  })
})
