import { describe, expect, it } from 'vitest'
import { parseRedisUrl, unmaskRedisUrl } from './redis-url'
import { settingsPatchSchema, settingsSchema } from './schemas'

describe('the Redis URL of the settings', () => {
  it('accepts redis:// and rediss:// with user, password and database, and refuses the rest by name', () => {
    expect(settingsPatchSchema.parse({ redisUrl: ' rediss://w:p%40ss@queue.lan:6380/2 ' })).toEqual({
      redisUrl: 'rediss://w:p%40ss@queue.lan:6380/2',
    })
    expect(parseRedisUrl('rediss://w:p%40ss@queue.lan:6380/2')).toEqual({
      ok: true,
      parts: { tls: true, host: 'queue.lan', port: 6380, username: 'w', password: 'p@ss', db: 2 },
    })
    const refused = (url: string) => settingsPatchSchema.safeParse({ redisUrl: url }).error?.issues[0]
    expect(refused('https://:hunter2@queue.lan')).toMatchObject({
      path: ['redisUrl'],
      message: 'The Redis URL must start with redis:// or rediss://, not https://',
    })
    expect(refused('redis:///0')?.message).toBe('The Redis URL names no host')
    expect(refused('redis://queue.lan/jobs')?.message).toBe(
      `The Redis URL's database must be a number, not "jobs"`,
    )
    expect(refused('redis://:50%zz@queue.lan')?.message).toBe(
      "The Redis URL's user or password has a % that is not an escape (write % as %25)",
    )
    expect(refused('queue.lan hunter2')?.message).toBe(
      '"(a URL that does not parse)" is not a Redis URL (redis://host:port or rediss://host:port)',
    )
    // A settings file holding a bad URL starts with none rather than failing every run.
    expect(settingsSchema.shape.redisUrl.safeParse('ftp://x').success).toBe(false)
    expect(settingsSchema.parse({}).redisUrl).toBeNull()
  })

  it('puts the saved password where the masked one stands, and only there', () => {
    const saved = 'redis://:s%3Acret@queue.lan:6379'
    expect(unmaskRedisUrl('redis://:***@queue.lan:6379/4', saved)).toBe('redis://:s%3Acret@queue.lan:6379/4')
    // Never to another server: the mask cannot carry the password elsewhere.
    expect(unmaskRedisUrl('redis://:***@other.lan:6379', saved)).toBeNull()
    expect(unmaskRedisUrl('redis://:***@queue.lan:6380', saved)).toBeNull()
    expect(unmaskRedisUrl('rediss://:***@queue.lan:6379', saved)).toBeNull()
    expect(unmaskRedisUrl('redis://admin:***@queue.lan:6379', saved)).toBeNull()
    expect(unmaskRedisUrl('redis://:typed@queue.lan:6379', saved)).toBe('redis://:typed@queue.lan:6379')
    expect(unmaskRedisUrl('redis://:***@queue.lan', null)).toBeNull()
    expect(unmaskRedisUrl('redis://:***@queue.lan', 'redis://queue.lan')).toBeNull()
  })
})
