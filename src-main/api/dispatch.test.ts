import { describe, expect, it } from 'vitest'
import { UserError } from '../engine/errors'
import type { RequestHandlers } from '@common/contract'
import { dispatch } from './dispatch'

const handlers = {
  'runs.get': async ({ id }: { id: string }) => {
    if (id === 'missing') throw new UserError('There is no run "missing".', 'not_found')
    if (id === 'boom') throw new Error('disk on fire')
    return { id }
  },
  'runs.start': async (config: unknown) => config,
} as unknown as RequestHandlers

describe('dispatch', () => {
  it('returns the handler value for a valid payload', async () => {
    expect(await dispatch(handlers, 'runs.get', { id: 'r1' })).toEqual({ ok: true, value: { id: 'r1' } })
  })

  it('names the invalid field and never calls the handler', async () => {
    const result = await dispatch(handlers, 'runs.start', { epochs: 0 })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('invalid')
      expect(result.error.field).toBe('epochs')
      expect(result.error.message).toMatch(/^Field "epochs" is invalid: .+\.$/)
    }
  })

  it('fills defaults before the handler sees the payload', async () => {
    const result = await dispatch(handlers, 'runs.start', { epochs: 2 })
    expect(result.ok && (result.value as { batchSize: number }).batchSize).toBe(100)
  })

  it('rejects unknown fields and unknown channels', async () => {
    const extra = await dispatch(handlers, 'runs.get', { id: 'r1', evil: true })
    expect(extra.ok).toBe(false)
    const unknown = await dispatch(handlers, 'fs.readFile', {})
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('turns user errors into their code and other errors into internal ones', async () => {
    expect(await dispatch(handlers, 'runs.get', { id: 'missing' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'There is no run "missing".' },
    })
    const logged: unknown[] = []
    const result = await dispatch(handlers, 'runs.get', { id: 'boom' }, (_c, e) => logged.push(e))
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'internal', message: 'runs.get failed: disk on fire' },
    })
    expect(logged).toHaveLength(1)
  })
})
