/**
 * A Redis server named by URL (`redis://[user:password@]host[:port][/db]`, or `rediss://` for
 * TLS), as both sides read it: the settings form checks what is typed with the sentence the
 * engine refuses it with, and the password is shown only masked, so that no credential reaches
 * a screen, a log or a run's files once it is saved.
 */

/** What a password is shown as; a URL sent back with it keeps the saved password. */
export const REDIS_PASSWORD_MASK = '***'

/** The parts of a Redis URL a connection needs. */
export interface RedisUrlParts {
  tls: boolean
  host: string
  port: number
  username?: string
  password?: string
  db?: number
}

/** The parts of `url`, or the one sentence (no final stop, no password) naming what is wrong. */
export function parseRedisUrl(
  url: string,
): { ok: true; parts: RedisUrlParts } | { ok: false; problem: string } {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return {
      ok: false,
      problem: `"${redactRedisUrl(url)}" is not a Redis URL (redis://host:port or rediss://host:port)`,
    }
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    return {
      ok: false,
      problem: `The Redis URL must start with redis:// or rediss://, not ${parsed.protocol}//`,
    }
  if (!parsed.hostname) return { ok: false, problem: 'The Redis URL names no host' }
  const db = parsed.pathname.replace(/^\//, '')
  if (db !== '' && !/^\d+$/.test(db))
    return { ok: false, problem: `The Redis URL's database must be a number, not "${db}"` }
  const username = decoded(parsed.username)
  const password = decoded(parsed.password)
  if (username === null || password === null)
    return {
      ok: false,
      problem: "The Redis URL's user or password has a % that is not an escape (write % as %25)",
    }
  return {
    ok: true,
    parts: {
      tls: parsed.protocol === 'rediss:',
      host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: parsed.port ? Number(parsed.port) : 6379,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(db ? { db: Number(db) } : {}),
    },
  }
}

/** A user or password of a URL with its escapes decoded; null when a % escapes nothing. */
function decoded(part: string): string | null {
  try {
    return decodeURIComponent(part)
  } catch {
    // URIError: the sentence of the caller names the part.
    return null
  }
}

/** The URL with its password (and anything that is not host, port or database) left out. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    const user =
      parsed.username || parsed.password
        ? `${parsed.username}${parsed.password ? `:${REDIS_PASSWORD_MASK}` : ''}@`
        : ''
    return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`
  } catch {
    // Not a URL at all: nothing of it can be shown safely.
    return '(a URL that does not parse)'
  }
}

/**
 * `url` as typed, with a masked password (`***`, as the settings show a saved URL) replaced by
 * the password of `saved`; null when it is masked and `saved` has none for the same server
 * (scheme, host, port and user): the saved password never goes to a server it was not typed for.
 */
export function unmaskRedisUrl(url: string, saved: string | null): string | null {
  if (!URL.canParse(url)) return url
  const parsed = new URL(url)
  if (parsed.password !== REDIS_PASSWORD_MASK) return url
  const known = saved && URL.canParse(saved) ? new URL(saved) : null
  const same =
    known !== null &&
    known.protocol === parsed.protocol &&
    known.host === parsed.host &&
    known.username === parsed.username
  if (!same || !known.password) return null
  parsed.password = known.password
  return parsed.toString()
}
