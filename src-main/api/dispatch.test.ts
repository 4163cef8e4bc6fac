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

describe('an unknown field', () => {
  const cases: [channel: string, payload: unknown, field: string][] = [
    ['runs.start', { epoch: 1 }, 'epoch'],
    [
      'runs.start',
      {
        architecture: {
          convBlocks: [{ filters: 8, kernelSize: 3, kernal: 5 }],
          denseLayers: [],
        },
      },
      'architecture.convBlocks.0.kernal',
    ],
    ['runs.start', { dataset: { kind: 'mnist', path: '/tmp' } }, 'dataset.path'],
    ['settings.update', { defaults: { epoch: 3 } }, 'defaults.epoch'],
    ['settings.update', { presets: [{ name: 'a', config: { lr: 1 } }] }, 'presets.0.config.lr'],
    ['settings.update', { window: { width: 800, height: 600, fullscreen: true } }, 'window.fullscreen'],
    ['app.info', { verbose: true }, 'verbose'],
    ['inspect.activations', { runId: 'r1', image: { kind: 'test', index: 0, invert: true } }, 'image.invert'],
    [
      'model.summary',
      { architecture: { convBlocks: [{ filters: 8, kernelSize: 3 }], denseLayers: [], extra: 1 } },
      'architecture.extra',
    ],
    // A typo of a required key: the unknown key is what the sender needs to hear about.
    [
      'runs.start',
      { architecture: { convBlocks: [{ filters: 8, kernel: 3 }], denseLayers: [] } },
      'architecture.convBlocks.0.kernel',
    ],
  ]
  it.each(cases)('in %s is an invalid error naming it (%j)', async (channel, payload, field) => {
    const result = await dispatch(handlers, channel, payload)
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid', field } })
    if (!result.ok) expect(result.error.message).toBe(`Field "${field}" is not a field of this request.`)
  })

  it('names every unknown key of one object', async () => {
    const result = await dispatch(handlers, 'runs.start', { epoch: 1, lr: 0.1 })
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid',
        field: 'epoch',
        message: 'Fields "epoch", "lr" are not fields of this request.',
      },
    })
  })
})
