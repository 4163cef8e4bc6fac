import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveTrainerEntry } from './launch'

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
