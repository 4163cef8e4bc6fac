import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import relaxedSimd from '../backend/wasm-kernels/simd/relaxed-simd.json'
import { forkTrainerLaunch, resolveTrainerEntry } from './launch'

let out: string

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'cnn-launch-'))
  await mkdir(join(out, 'main', 'chunks'), { recursive: true })
  await writeFile(join(out, 'main', 'trainer.js'), '')
})
afterAll(async () => {
  await rm(out, { recursive: true, force: true })
})

describe('resolveTrainerEntry', () => {
  it('runs trainer-entry.ts through tsx from TypeScript source', () => {
    const entry = resolveTrainerEntry(pathToFileURL('/repo/src-main/engine/train/launch.ts').href)
    expect(entry).toEqual({
      path: '/repo/src-main/engine/train/trainer-entry.ts',
      execArgv: ['--import', 'tsx'],
    })
  })

  it('finds trainer.js beside the bundle, also from a shared chunk', () => {
    const fromBundle = resolveTrainerEntry(pathToFileURL(join(out, 'main', 'cli.js')).href, undefined)
    const fromChunk = resolveTrainerEntry(
      pathToFileURL(join(out, 'main', 'chunks', 'runs-abc.js')).href,
      undefined,
    )
    expect(fromBundle).toEqual({ path: join(out, 'main', 'trainer.js'), execArgv: [] })
    expect(fromChunk).toEqual(fromBundle)
  })

  it('falls back to the folder of the running program', () => {
    const entry = resolveTrainerEntry(pathToFileURL('/elsewhere/lib.js').href, join(out, 'main', 'index.js'))
    expect(entry.path).toBe(join(out, 'main', 'trainer.js'))
  })
})

describe('forkTrainerLaunch', () => {
  it("passes on what the process prints, without Dawn's warnings", async () => {
    const entry = join(out, 'printing-trainer.js')
    await writeFile(
      entry,
      [
        "process.stdout.write('from stdout\\n')",
        "process.stderr.write('Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16.\\n')",
        "process.stderr.write('from stderr\\n')",
      ].join('\n'),
    )
    const output = new PassThrough()
    let printed = ''
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()))
    const trainer = forkTrainerLaunch({ path: entry, execArgv: [] }, output)()
    await new Promise((resolve) => trainer.onExit(resolve))
    expect(printed.split('\n').sort()).toEqual(['', 'from stderr', 'from stdout'])
  })

  it('starts the training process with relaxed SIMD, which the wasm kernels use where they can', async () => {
    const entry = join(out, 'probe.cjs')
    const probe = JSON.stringify(relaxedSimd.probe)
    await writeFile(
      entry,
      `process.send({ relaxed: WebAssembly.validate(new Uint8Array(${probe})) }, () => process.exit(0))`,
    )
    const trainer = forkTrainerLaunch({ path: entry, execArgv: [] })()
    const message = await new Promise((resolve) => trainer.onMessage(resolve))
    expect(message).toEqual({ relaxed: true })
  })
})
