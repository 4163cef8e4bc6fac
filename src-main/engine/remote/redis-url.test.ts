import { describe, expect, it } from 'vitest'
import { redactRedisUrl, redisOptions } from './redis-url'

describe('Redis URLs', () => {
  it('reads host, port, user, password and database, and TLS for rediss://', () => {
    expect(redisOptions('redis://queue.lan:6380/2')).toMatchObject({ host: 'queue.lan', port: 6380, db: 2 })
    const secure = redisOptions('rediss://worker:p%40ss@queue.example.org')
    expect(secure).toMatchObject({
      host: 'queue.example.org',
      port: 6379,
      username: 'worker',
      password: 'p@ss',
    })
    expect(secure.tls).toEqual({ servername: 'queue.example.org' })
    expect(redisOptions('redis://:secret@127.0.0.1:7000')).toMatchObject({ password: 'secret', port: 7000 })
    expect(redisOptions('redis://127.0.0.1').tls).toBeUndefined()
    // TLS to an address: the certificate is checked against it, with no SNI (which names hosts only).
    expect(redisOptions('rediss://127.0.0.1:6380').tls).toEqual({})
  })

  it('refuses what is not a Redis URL with a sentence that never shows the password', () => {
    expect(() => redisOptions('http://:secret@host:1')).toThrow(
      'must start with redis:// or rediss://, not http://.',
    )
    expect(() => redisOptions('redis://:secret@host:1/queue')).toThrow(
      `database must be a number, not "queue"`,
    )
    expect(() => redisOptions('not a url :secret')).toThrow('is not a Redis URL')
    for (const bad of ['http://:secret@host:1', 'redis://:secret@host:1/queue', 'not a url :secret']) {
      try {
        redisOptions(bad)
      } catch (error) {
        expect((error as Error).message).not.toContain('secret')
      }
    }
  })

  it('shows a URL with its password masked', () => {
    expect(redactRedisUrl('rediss://worker:hunter2@queue.example.org:6380/1')).toBe(
      'rediss://worker:***@queue.example.org:6380/1',
    )
    expect(redactRedisUrl('redis://:hunter2@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379')
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379')
    expect(redactRedisUrl('::hunter2')).not.toContain('hunter2')
  })
})
