import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeJsonAtomic } from './fs-atomic'

const run = promisify(execFile)
const ROOT = resolve(__dirname, '../..')

/** A Node program that writes `size` bytes to `<folder>/doc.json` with writeFileAtomic. */
function writer(size: number): string[] {
  const script =
    "require('./src-main/engine/fs-atomic.ts')" +
    `.writeFileAtomic(process.argv[1] + '/doc.json', 'x'.repeat(${size}))` +
    ".then(() => console.log('written'), (e) => console.log('failed ' + e.code))"
  return [process.execPath, '--import', 'tsx', '-e', script]
}

let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-atomic-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('writeFileAtomic', () => {
  it('leaves nothing behind when the disk refuses the bytes', async () => {
    const folder = await mkdtemp(join(root, 'full-'))
    // A 4 KiB file size limit stands in for a full disk: writes past it fail with EFBIG (the
    // signal the kernel would send instead is ignored, as a full disk sends none).
    const { stdout } = await run(
      'bash',
      ['-c', 'trap "" XFSZ; ulimit -f 4; exec "$@"', 'bash', ...writer(100_000), folder],
      { cwd: ROOT },
    )
    expect(stdout.trim()).toBe('failed EFBIG')
    expect(await readdir(folder)).toEqual([])
  })

  it('flushes the folder after the rename, so the new name survives a power cut', async () => {
    const folder = await mkdtemp(join(root, 'sync-'))
    const trace = join(root, 'strace.txt')
    await run(
      'strace',
      ['-f', '-y', '-e', 'trace=rename,renameat,renameat2,fsync', '-o', trace, ...writer(10), folder],
      {
        cwd: ROOT,
      },
    ).catch((error: Error) => {
      throw new Error(`strace is needed for this test (apt-get install strace): ${error.message}`)
    })
    const calls = (await readFile(trace, 'utf8')).split('\n')
    const renamed = calls.findIndex((line) => /rename\w*\(.*\.tmp", .*doc\.json"/.test(line))
    const folderSynced = calls.findIndex((line) => line.includes(`fsync(`) && line.includes(`<${folder}>)`))
    expect(renamed, 'the rename of the temporary file').toBeGreaterThanOrEqual(0)
    expect(folderSynced, 'an fsync of the folder after the rename').toBeGreaterThan(renamed)
    expect(await readdir(folder)).toEqual(['doc.json'])
  })

  it('replaces the whole document', async () => {
    const folder = await mkdtemp(join(root, 'doc-'))
    await writeJsonAtomic(join(folder, 'doc.json'), { a: 1 })
    await writeJsonAtomic(join(folder, 'doc.json'), { b: 2 })
    expect(JSON.parse(await readFile(join(folder, 'doc.json'), 'utf8'))).toEqual({ b: 2 })
    expect(await readdir(folder)).toEqual(['doc.json'])
  })
})
