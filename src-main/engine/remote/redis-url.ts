/**
 * A Redis server named by URL (`redis://[user:password@]host[:port][/db]`, or `rediss://` for
 * TLS): the connection options of ioredis, and the URL as it may be shown or logged, with its
 * password replaced, so that no credential reaches a terminal, a log or a run's files.
 * (BullMQ's RedisOptions: ioredis's interface lacks the index signature BullMQ's connection type has.)
 */
import type { RedisOptions } from 'bullmq'
import { UserError } from '../errors'

/** The connection options for `url`; a URL that is not a Redis URL gets a sentence naming it. */
export function redisOptions(url: string): RedisOptions {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UserError(
      `"${redactRedisUrl(url)}" is not a Redis URL (redis://host:port or rediss://host:port).`,
      'invalid',
      'redis',
    )
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UserError(
      `The Redis URL must start with redis:// or rediss://, not ${parsed.protocol}//.`,
      'invalid',
      'redis',
    )
  }
  if (!parsed.hostname) throw new UserError('The Redis URL names no host.', 'invalid', 'redis')
  const db = parsed.pathname.replace(/^\//, '')
  if (db !== '' && !/^\d+$/.test(db))
    throw new UserError(`The Redis URL's database must be a number, not "${db}".`, 'invalid', 'redis')
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1')
  return {
    host,
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
    // BullMQ's workers block on Redis: their commands wait for a reconnect instead of failing.
    maxRetriesPerRequest: null,
    // A restarted server is found again within a second, however long it was gone.
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
  }
}

/** The URL with its password (and anything that is not host, port or database) left out. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    const user =
      parsed.username || parsed.password ? `${parsed.username}${parsed.password ? ':***' : ''}@` : ''
    return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`
  } catch {
    // Not a URL at all: nothing of it can be shown safely.
    return '(a URL that does not parse)'
  }
}
