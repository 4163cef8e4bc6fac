import { describe, expect, it } from 'vitest'
import { parseTags, runUpdateSchema } from './run-notes'

describe('parseTags', () => {
  it('splits on commas, trims, drops empty tags and a tag given twice in any case', () => {
    expect(parseTags(' baseline,  lr   sweep ,, Baseline ')).toEqual({ tags: ['baseline', 'lr sweep'] })
    expect(parseTags('')).toEqual({ tags: [] })
  })

  it('refuses a tag too long and too many tags, saying which', () => {
    expect(parseTags('x'.repeat(41)).error).toBe(`The tag “${'x'.repeat(20)}…” is longer than 40 characters.`)
    expect(parseTags(Array.from({ length: 21 }, (_, i) => `t${i}`).join(',')).error).toBe(
      'A run has at most 20 tags (21 given).',
    )
  })
})

describe('runUpdateSchema', () => {
  const id = '20260101-000000-abcd'
  it('takes notes, tags or both, and refuses an update of neither or a tag given twice', () => {
    expect(runUpdateSchema.parse({ id, tags: [' a '] })).toEqual({ id, tags: ['a'] })
    expect(runUpdateSchema.safeParse({ id }).error?.issues[0].message).toBe('give notes or tags to change')
    expect(runUpdateSchema.safeParse({ id, tags: ['a', 'A'] }).error?.issues[0].message).toBe(
      'a tag is given twice',
    )
    expect(runUpdateSchema.safeParse({ id, notes: 'x'.repeat(5001) }).error?.issues[0].message).toBe(
      'notes have at most 5,000 characters',
    )
  })
})
