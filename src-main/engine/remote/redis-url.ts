/**
 * The connection options of ioredis for a Redis URL (parsed and masked by `@common/redis-url`,
 * which the settings form shares). (BullMQ's RedisOptions: ioredis's interface lacks the index
 * signature BullMQ's connection type has.)
 */
import { isIP } from 'node:net'
import type { RedisOptions } from 'bullmq'
import { parseRedisUrl } from '@common/redis-url'
import { UserError } from '../errors'

export { redactRedisUrl } from '@common/redis-url'

/** The connection options for `url`; a URL that is not a Redis URL gets a sentence naming it. */
export function redisOptions(url: string): RedisOptions {
  const parsed = parseRedisUrl(url)
  if (!parsed.ok) throw new UserError(`${parsed.problem}.`, 'invalid', 'redis')
  const { tls, host, port, username, password, db } = parsed.parts
  return {
    host,
    port,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(db ? { db } : {}),
    // The certificate is checked against the host; SNI names a host, never an IP address (RFC 6066).
    ...(tls ? { tls: isIP(host) ? {} : { servername: host } } : {}),
    // BullMQ's workers block on Redis: their commands wait for a reconnect instead of failing.
    maxRetriesPerRequest: null,
    // A restarted server is found again within a second, however long it was gone.
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
  }
}
