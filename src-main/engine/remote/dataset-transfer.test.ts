/**
 * Folder data sets through a real redis-server: uploaded once under their SHA-256, fetched once
 * into a worker's home, the same bytes there; a changed folder is another data set, and what
 * does not match its digest or is not there is refused with a sentence.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeShapesFolder } from '../data/image-folder.fixtures'
import { DATASET_TTL_SECONDS, DatasetUploads, datasetKey, fetchDataset } from './dataset-transfer'
import { startRedis, type RedisServer } from './redis.fixtures'
import { redisOptions } from './redis-url'

let root = ''
let redis: RedisServer
let client: Redis

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-data-transfer-'))
  redis = await startRedis()
  client = new Redis(redisOptions(redis.url))
})

afterAll(async () => {
  client?.disconnect()
  await redis?.stop()
  await rm(root, { recursive: true, force: true })
})

/** Every file under `folder` (relative path to its bytes' SHA-256), hidden ones left out. */
async function contents(folder: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {}
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue
    const path = join(entry.parentPath, entry.name)
    found[path.slice(folder.length + 1)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex')
  }
  return found
}

describe('folder data sets through Redis', () => {
  it('travel once, by content, and arrive whole in the worker home', async () => {
    const folder = await writeShapesFolder(join(root, 'shapes'), { perClass: 4, width: 10, testPerClass: 1 })
    await writeFile(join(folder, '.DS_Store'), 'not part of the data set')
    const uploads = new DatasetUploads(client)
    const sha = await uploads.upload(folder)
    expect(sha).toMatch(/^[0-9a-f]{64}$/)
    // Another app (nothing remembered) finds the same digest and uploads nothing more.
    expect(await new DatasetUploads(client).upload(folder)).toBe(sha)
    expect(await client.keys(`${datasetKey(sha)}*`)).toEqual([datasetKey(sha)])
    // It goes by itself a week after its last use; sending it again starts the week again.
    const week = async () =>
      expect(await client.ttl(datasetKey(sha))).toBeGreaterThan(DATASET_TTL_SECONDS - 60)
    await week()
    await client.expire(datasetKey(sha), 100)
    expect(await uploads.upload(folder)).toBe(sha)
    await week()

    const home = await mkdtemp(join(root, 'worker-'))
    await client.expire(datasetKey(sha), 100)
    const first = await fetchDataset(client, home, sha)
    expect(first.fetched).toBe(true)
    // So does a worker's fetch.
    await week()
    const expected = await contents(folder)
    expect(Object.keys(expected)).toHaveLength(12)
    expect(await contents(first.folder)).toEqual(expected)
    // Cached: the next run of that data set reads it from the home, even with Redis emptied.
    await client.del(datasetKey(sha))
    expect(await fetchDataset(client, home, sha)).toEqual({ folder: first.folder, fetched: false })

    // A changed image is another data set.
    await writeFile(
      join(folder, 'train', 'circle', 'circle-0.png'),
      await readFile(join(folder, 'test', 'circle', 'circle-3.png')),
    )
    expect(await uploads.upload(folder)).not.toBe(sha)
  })

  it('refuses a data set that is not in Redis, or whose bytes do not match its digest', async () => {
    const home = await mkdtemp(join(root, 'worker-'))
    const missing = 'a'.repeat(64)
    await expect(fetchDataset(client, home, missing)).rejects.toThrow(
      `The run's data set aaaaaaaaaaaa is not in Redis (uploaded folders expire a week after their last use); resume the run from the app to send it again.`,
    )
    const folder = await writeShapesFolder(join(root, 'tampered'), { perClass: 2, width: 8 })
    const sha = await new DatasetUploads(client).upload(folder)
    await client.hset(datasetKey(sha), 'circle/circle-0.png', Buffer.from('other bytes'))
    await expect(fetchDataset(client, home, sha)).rejects.toThrow(
      `The data set ${sha.slice(0, 12)} fetched from Redis does not match its SHA-256.`,
    )
    // Nothing half-written is left in the home.
    expect(await readdir(join(home, 'cache', 'remote-datasets')).catch(() => [])).toEqual([])
  })
})
