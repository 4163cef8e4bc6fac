/**
 * Strict copies of schemas: every object in them, however deep, refuses a key it does not name.
 * Requests are checked with these (a typo such as `epoch` must not silently become the default
 * of `epochs`); documents on disk are read with the lenient originals, so that a file holding a
 * key this version does not know (written by a newer one) still opens.
 */
import { z } from 'zod'

/** The definition of any schema, read generically: its kind and the schemas it holds. */
type Definition = { type: string } & Record<string, unknown>

/** Kinds that wrap exactly one schema in `innerType`. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch'])

/** The same schema, with every object inside it strict; everything else is kept as it was. */
export function strictDeep<T extends z.ZodType>(schema: T): T {
  return rebuild(schema) as T
}

function rebuild(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as unknown as Definition
  const clone = (changes: Record<string, unknown>) => schema.clone({ ...def, ...changes } as never)
  const inner = (key: string) => rebuild(def[key] as z.ZodType)
  if (WRAPPERS.has(def.type)) return clone({ innerType: inner('innerType') })
  switch (def.type) {
    case 'object': {
      const shape = Object.entries(def.shape as Record<string, z.ZodType>).map(([key, value]) => [
        key,
        rebuild(value),
      ])
      return clone({ shape: Object.fromEntries(shape), catchall: z.never() })
    }
    case 'array':
      return clone({ element: inner('element') })
    case 'union':
      return clone({ options: (def.options as z.ZodType[]).map(rebuild) })
    case 'tuple':
      return clone({
        items: (def.items as z.ZodType[]).map(rebuild),
        rest: def.rest ? inner('rest') : def.rest,
      })
    case 'record':
      return clone({ valueType: inner('valueType') })
    case 'intersection':
      return clone({ left: inner('left'), right: inner('right') })
    case 'pipe':
      return clone({ in: inner('in'), out: inner('out') })
    case 'lazy': {
      const getter = def.getter as () => z.ZodType
      return clone({ getter: () => rebuild(getter()) })
    }
    default:
      return schema
  }
}
