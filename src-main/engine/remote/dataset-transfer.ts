/**
 * Folder data sets on their way to the workers, content-addressed: the app hashes the folder's
 * files (SHA-256 over each path, size and bytes, in code-point order of the paths), uploads them
 * once to a Redis hash named by that digest unless one is already there, and the job names the
 * digest; a worker fetches the hash once, checks it against the digest, and keeps the files in
 * its home under the digest, where every later run of the same data finds them. Built-in data
 * sets (MNIST, Fashion-MNIST) need none of this: a worker loads them by name.
 */
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import type { Redis } from 'ioredis'
import { UserError } from '../errors'
import { writeFileSynced } from '../fs-atomic'
import { homePaths } from '../home'
import { compareCodePoints, folderFile } from '../data/image-folder'
import { KEY_PREFIX } from './keys'

/** The Redis hash of a data set's files (relative path to bytes), by its digest. */
export const datasetKey = (sha256: string) => `${KEY_PREFIX}:data:${sha256}`

/**
 * How long an uploaded folder stays in Redis after the last run that sent or fetched it: a week,
 * then it goes by itself (a run that needs it again sends it again; workers keep their copies).
 */
export const DATASET_TTL_SECONDS = 7 * 24 * 3600

/** The largest folder that travels through Redis, which holds it in memory. */
export const MAX_FOLDER_BYTES = 1024 ** 3
/** Files per HSET while uploading, so that no single command carries a whole large folder. */
const UPLOAD_BATCH_BYTES = 32 * 1024 ** 2

type FolderFile = Awaited<ReturnType<typeof folderFile>>

/** The folder's files (hidden ones left out, as the loaders leave them out), in code-point order. */
async function listFiles(root: string): Promise<FolderFile[]> {
  const files: FolderFile[] = []
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.isFile()) files.push(await folderFile(root, path))
    }
  }
  await walk(root)
  return files.sort((a, b) => compareCodePoints(a.relative, b.relative))
}

/** The digest of files given as relative path and bytes, in code-point order of the paths. */
function digestOf(files: Iterable<[string, Buffer]>): string {
  const hash = createHash('sha256')
  for (const [path, bytes] of files) {
    hash.update(`${path}\0${bytes.length}\0`)
    hash.update(bytes)
  }
  return hash.digest('hex')
}

/** The app's side: digests of folders it sent, remembered while their files stay unchanged. */
export class DatasetUploads {
  private readonly known = new Map<string, { signature: string; sha256: string }>()

  constructor(private readonly redis: Redis) {}

  /** Puts the folder's files in Redis unless they are there already; returns their digest. */
  async upload(folder: string): Promise<string> {
    const root = resolve(folder)
    const files = await listFiles(root)
    const total = files.reduce((sum, f) => sum + f.size, 0)
    if (total > MAX_FOLDER_BYTES) {
      throw new UserError(
        `The data set folder ${root} holds ${Math.round(total / 1024 ** 2)} MB, more than the ${MAX_FOLDER_BYTES / 1024 ** 2} MB a folder may send to workers through Redis.`,
        'invalid',
        'dataset',
      )
    }
    const signature = files.map((f) => `${f.relative}\0${f.size}\0${f.mtimeMs}`).join('\n')
    const remembered = this.known.get(root)
    // EXPIRE answers whether the key is there, and gives it its week again.
    if (remembered?.signature === signature && (await this.keep(remembered.sha256))) return remembered.sha256
    const contents: [string, Buffer][] = []
    for (const file of files) contents.push([file.relative, await readFile(file.absolute)])
    const sha256 = digestOf(contents)
    this.known.set(root, { signature, sha256 })
    if (await this.keep(sha256)) return sha256
    // Filled under a name of its own and renamed: a worker never sees half a data set. It expires
    // from its first write (and keeps that when renamed), so an upload cut short leaves nothing for good.
    const staging = `${datasetKey(sha256)}:upload-${randomBytes(4).toString('hex')}`
    try {
      let batch: (string | Buffer)[] = []
      let bytes = 0
      for (const [path, content] of contents) {
        batch.push(path, content)
        bytes += content.length
        if (bytes >= UPLOAD_BATCH_BYTES) {
          await this.stage(staging, batch)
          batch = []
          bytes = 0
        }
      }
      // An empty folder still gets its hash: the worker then finds the same nothing the app did.
      batch.push('@files', String(contents.length))
      await this.stage(staging, batch)
      await this.redis.rename(staging, datasetKey(sha256))
    } catch (error) {
      await this.redis.del(staging).catch(() => undefined)
      throw error
    }
    return sha256
  }

  /** Adds files (path, bytes, path, bytes...) to the staging hash, which expires as the data set would. */
  private async stage(staging: string, fields: (string | Buffer)[]): Promise<void> {
    await this.redis.hset(staging, ...fields)
    await this.redis.expire(staging, DATASET_TTL_SECONDS)
  }

  /** Whether Redis holds the data set of `sha256`; if so, its week starts again. */
  private async keep(sha256: string): Promise<boolean> {
    return (await this.redis.expire(datasetKey(sha256), DATASET_TTL_SECONDS)) === 1
  }
}

/** Where a worker keeps the data set of `sha256`. */
export function cachedDatasetFolder(home: string, sha256: string): string {
  return join(homePaths(home).cache, 'remote-datasets', sha256)
}

/**
 * The worker's side: the folder of data set `sha256` in its home, fetched from Redis the first
 * time (written under a hidden name, checked against the digest, then renamed); `fetched` says so.
 */
export async function fetchDataset(
  redis: Redis,
  home: string,
  sha256: string,
): Promise<{ folder: string; fetched: boolean }> {
  const target = cachedDatasetFolder(home, sha256)
  if (existsSync(target)) return { folder: target, fetched: false }
  const hash = await redis.hgetallBuffer(datasetKey(sha256))
  if (hash['@files'] === undefined)
    throw new UserError(
      `The run's data set ${sha256.slice(0, 12)} is not in Redis (uploaded folders expire a week after their last use); resume the run from the app to send it again.`,
      'unavailable',
      'dataset',
    )
  // Fetched by a worker is used: its week starts again.
  await redis.expire(datasetKey(sha256), DATASET_TTL_SECONDS)
  const files = Object.entries(hash)
    .filter(([path]) => path !== '@files')
    .sort(([a], [b]) => compareCodePoints(a, b))
  if (digestOf(files) !== sha256)
    throw new Error(`The data set ${sha256.slice(0, 12)} fetched from Redis does not match its SHA-256.`)
  const staging = join(dirname(target), `.fetch-${sha256.slice(0, 12)}-${randomBytes(4).toString('hex')}`)
  try {
    for (const [path, bytes] of files) {
      const file = resolve(staging, path)
      if (!file.startsWith(staging + sep))
        throw new Error(`The data set ${sha256.slice(0, 12)} names a file outside its folder: ${path}.`)
      await mkdir(dirname(file), { recursive: true })
      await writeFileSynced(file, bytes)
    }
    await mkdir(staging, { recursive: true })
    await rename(staging, target).catch(async (error: NodeJS.ErrnoException) => {
      // Another run of this worker fetched it meanwhile: theirs is the same bytes.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error
    })
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
  return { folder: target, fetched: true }
}
