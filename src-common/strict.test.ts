import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { requestSchemas } from './requests'
import { runRecordSchema } from './run-record'
import { NOTEBOOK_ARCHITECTURE, runConfigSchema, settingsSchema } from './schemas'
import { strictDeep } from './strict'

/** Every object schema reachable from `schema`, with the path that leads to it. */
function objectsIn(schema: z.ZodType, path = '', seen = new Set<z.ZodType>()): [string, z.ZodType][] {
  if (seen.has(schema)) return []
  seen.add(schema)
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string }
  const children: [string, z.ZodType][] = []
  const add = (key: string, child: unknown) => {
    if (child && typeof child === 'object' && '_zod' in child) children.push([key, child as z.ZodType])
  }
  if (def.type === 'object') {
    for (const [key, value] of Object.entries(def.shape as Record<string, z.ZodType>)) add(`.${key}`, value)
  }
  for (const key of ['innerType', 'element', 'rest', 'valueType', 'left', 'right', 'in', 'out'])
    add('', def[key])
  for (const key of ['options', 'items'])
    for (const [i, option] of ((def[key] as z.ZodType[] | undefined) ?? []).entries()) add(`[${i}]`, option)
  const own: [string, z.ZodType][] = def.type === 'object' ? [[path || '(payload)', schema]] : []
  return [...own, ...children.flatMap(([key, child]) => objectsIn(child, path + key, seen))]
}

describe('request schemas', () => {
  it('refuse unknown keys in every object they hold, at any depth', () => {
    let objects = 0
    for (const [channel, schema] of Object.entries(requestSchemas)) {
      for (const [path, object] of objectsIn(schema)) {
        objects++
        const catchall = (object._zod.def as unknown as { catchall?: z.ZodType }).catchall
        expect(catchall?._zod.def.type, `${channel} ${path}`).toBe('never')
      }
    }
    // The run configuration alone holds the run, its data set, architecture and layers.
    expect(objects).toBeGreaterThan(30)
  })

  it('still accept what the renderer sends back: the settings it was given, a full run config', () => {
    const settings = settingsSchema.parse({ presets: [{ name: 'quick', config: { epochs: 2 } }] })
    expect(requestSchemas['settings.update'].safeParse(settings).success).toBe(true)
    const config = runConfigSchema.parse({ epochs: 3, architecture: NOTEBOOK_ARCHITECTURE })
    expect(requestSchemas['runs.start'].safeParse(config).success).toBe(true)
  })
})

describe('documents on disk', () => {
  it('open with a key this version does not know (a newer version wrote it)', () => {
    const config = runConfigSchema.parse({})
    const record = {
      id: 'r1',
      name: 'r1',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      status: 'completed',
      config: { ...config, mixedPrecision: true },
      dataset: null,
      backend: null,
      summary: null,
      checkpointEpoch: 0,
      labels: ['a'],
    }
    const read = runRecordSchema.parse(record)
    expect(read.config).toEqual(config)
    expect(settingsSchema.parse({ theme: 'dark', telemetry: false }).theme).toBe('dark')
  })

  it('are read by schemas that strictDeep leaves as they were', () => {
    const strict = strictDeep(runConfigSchema)
    expect(strict.safeParse({ epoch: 1 }).success).toBe(false)
    expect(runConfigSchema.safeParse({ epoch: 1 }).success).toBe(true)
  })
})
