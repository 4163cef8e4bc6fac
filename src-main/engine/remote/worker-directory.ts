/**
 * What the app asks Redis outside of training runs: the workers alive (their heartbeats, for the
 * Workers panel and `RemoteLink.workers()`) and whether a server answers at all and is fit for
 * the queue (settings' "Test connection"). These answer within seconds or fail with a sentence:
 * unlike the queue's connections they never wait for a server that is away.
 */
import { Redis } from 'ioredis'
import { redactRedisUrl } from '@common/redis-url'
import { workerHeartbeatSchema, type RedisCheck, type WorkerRow } from '@common/remote-run'
import { UserError, errorMessage } from '../errors'
import { HEARTBEAT_MS, WORKERS_KEY } from './keys'
import { redisOptions } from './redis-url'

/** How long connecting may take before the server counts as not answering. */
const CONNECT_TIMEOUT_MS = 3000

/** The workers that said they are alive in the last three heartbeats, by name, with their age at `now`. */
export async function readWorkers(redis: Redis, now = Date.now()): Promise<WorkerRow[]> {
  const beats = Object.values(await redis.hgetall(WORKERS_KEY))
  return beats
    .map((text) => workerHeartbeatSchema.safeParse(safeJson(text)))
    .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
    .map((beat) => ({ ...beat, heartbeatAgeMs: Math.max(0, now - Date.parse(beat.at)) }))
    .filter((beat) => beat.heartbeatAgeMs <= 3 * HEARTBEAT_MS)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    // Not written by a worker of this version: skipped like any heartbeat that does not validate.
    return null
  }
}

/** A connection to `url` that fails at once while the server is away instead of waiting for it. */
async function connectNow(url: string): Promise<Redis> {
  const redis = new Redis({
    ...redisOptions(url),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: () => null,
  })
  let lastError: Error | null = null
  // ioredis reports each failure as an event too; the sentence below carries it.
  redis.on('error', (error: Error) => (lastError = error))
  try {
    await redis.connect()
    return redis
  } catch (error) {
    redis.disconnect()
    const reason = errorMessage(lastError ?? error)
    throw new UserError(
      `Redis at ${redactRedisUrl(url)} did not answer: ${reason}.`,
      'unavailable',
      'redisUrl',
    )
  }
}

/** Connects to `url` once and says whether the server fits the queue (version, eviction policy). */
export async function checkRedis(url: string): Promise<RedisCheck> {
  const redis = await connectNow(url)
  try {
    const info = parseInfo(await redis.info())
    const version = info.get('redis_version') ?? 'unknown'
    const maxmemoryPolicy = info.get('maxmemory_policy') ?? 'unknown'
    const major = Number(version.split('.')[0])
    const warning =
      Number.isFinite(major) && major < 5
        ? `Redis ${version} is too old for the queue: BullMQ needs Redis 5 or newer.`
        : maxmemoryPolicy !== 'noeviction'
          ? `maxmemory-policy is ${maxmemoryPolicy}: set it to noeviction, or Redis may evict queued runs when its memory is full.`
          : null
    return { redis: redactRedisUrl(url), version, maxmemoryPolicy, warning }
  } finally {
    redis.disconnect()
  }
}

/** INFO's `key:value` lines as a map. */
function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':')
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1).trim())
  }
  return fields
}

/**
 * The workers of the Redis server the settings name, read on one kept connection (a panel asks
 * every two seconds); a new URL or a dropped connection gets a new one on the next read.
 */
export class WorkerDirectory {
  private current: { url: string; redis: Promise<Redis> } | null = null
  private shut = false

  /** The workers alive on `url`'s server; a sentence naming the server when it does not answer. */
  async list(url: string): Promise<WorkerRow[]> {
    // A panel's poll that arrives while the app closes opens nothing that would keep it running.
    if (this.shut) throw new UserError('The workbench is shutting down.', 'unavailable')
    const redis = await this.connection(url)
    try {
      return await readWorkers(redis)
    } catch (error) {
      this.close()
      throw new UserError(
        `Redis at ${redactRedisUrl(url)} did not answer: ${errorMessage(error)}.`,
        'unavailable',
        'redisUrl',
      )
    }
  }

  /** The kept connection to `url`, or a new one when there is none, it is to another URL or it dropped. */
  private async connection(url: string): Promise<Redis> {
    const kept = this.current
    if (kept?.url === url) {
      const redis = await kept.redis.catch(() => null)
      // A failed connect was answered to the read that started it; this read tries afresh.
      if (redis?.status === 'ready') return redis
    }
    this.close()
    const fresh = { url, redis: connectNow(url) }
    this.current = fresh
    let redis: Redis
    try {
      redis = await fresh.redis
    } catch (error) {
      if (this.current === fresh) this.current = null
      throw error
    }
    // Shut down while it connected: the connection goes at once.
    if (this.shut) {
      redis.disconnect()
      throw new UserError('The workbench is shutting down.', 'unavailable')
    }
    return redis
  }

  /** Drops the kept connection for good: later reads are refused and open none. */
  shutdown(): void {
    this.shut = true
    this.close()
  }

  /** Drops the kept connection. */
  close(): void {
    const kept = this.current
    this.current = null
    // A connection that never came has nothing to drop; its failure was answered to its reader.
    kept?.redis.then((redis) => redis.disconnect()).catch(() => undefined)
  }
}
