/**
 * Earlier versions wrote figures that had stopped being finite numbers (a diverged loss) as null:
 * what JSON.stringify makes of NaN and Infinity. The readers tell such a document from a damaged
 * one by asking its schema.
 */
import type { z } from 'zod'

/** Whether `value` (an object) fails `schema`, and only in fields where it holds null. */
export function failsOnlyOnNulls(schema: z.ZodType, value: unknown): boolean {
  const parsed = schema.safeParse(value)
  return (
    !parsed.success &&
    parsed.error.issues.every((issue) => issue.path.length > 0 && valueAt(value, issue.path) === null)
  )
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined
    at = (at as Record<PropertyKey, unknown>)[key]
  }
  return at
}
