import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeGpuAdapter } from './probe'

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
    await expect(probeGpuAdapter(probe)).rejects.toThrow(
      'Dawn found no adapter through Vulkan (Vulkan shaderUniform*ArrayDynamicIndexing required.)',
    )
  })

  it('reports a probe that crashes or hangs, with its last words', async () => {
    const crash = await entry(
      'crash',
      `process.stderr.write('Segmentation fault in the driver\\n'); process.exit(139)`,
    )
    await expect(probeGpuAdapter(crash)).rejects.toThrow(
      'the GPU adapter probe exited with code 139 (Segmentation fault in the driver)',
    )
    const hang = await entry('hang', 'setInterval(() => undefined, 1000)')
    await expect(probeGpuAdapter(hang, 500)).rejects.toThrow('the GPU adapter probe was killed by SIGTERM')
  })
})
