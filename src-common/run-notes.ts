/**
 * A run's notes and tags: their limits, the schema a `runs.update` is checked against, and how
 * the text a person types in the tags field becomes tags (the same rules in the app and the API).
 */
import { z } from 'zod'
import { runIdSchema } from './schemas'

/** The longest notes a run may hold, in characters. */
export const RUN_NOTES_MAX_LENGTH = 5000
/** The most tags a run may have. */
export const RUN_TAGS_MAX = 20
/** The longest tag, in characters. */
export const RUN_TAG_MAX_LENGTH = 40

/** One tag: trimmed, not empty, no comma (commas separate tags where they are typed). */
export const tagSchema = z
  .string()
  .trim()
  .min(1, 'a tag cannot be empty')
  .max(RUN_TAG_MAX_LENGTH, `a tag has at most ${RUN_TAG_MAX_LENGTH} characters`)
  .regex(/^[^,]*$/, 'a tag cannot hold a comma')

/** A run's tags: at most RUN_TAGS_MAX, none twice (letter case aside). */
export const tagsSchema = z
  .array(tagSchema)
  .max(RUN_TAGS_MAX, `a run has at most ${RUN_TAGS_MAX} tags`)
  .refine((tags) => new Set(tags.map((t) => t.toLowerCase())).size === tags.length, 'a tag is given twice')

export const notesSchema = z
  .string()
  .max(RUN_NOTES_MAX_LENGTH, `notes have at most ${RUN_NOTES_MAX_LENGTH.toLocaleString('en-US')} characters`)

/** `runs.update`: new notes, new tags, or both; what is left out stays as it is. */
export const runUpdateSchema = z
  .object({ id: runIdSchema, notes: notesSchema.optional(), tags: tagsSchema.optional() })
  .strict()
  .refine((update) => update.notes !== undefined || update.tags !== undefined, 'give notes or tags to change')

/** What a `runs.update` changes, as its handler receives it (tags trimmed). */
export type RunNotesChange = Omit<z.output<typeof runUpdateSchema>, 'id'>

/**
 * The tags of a comma-separated text ("baseline, lr sweep"): trimmed, empty ones left out, a
 * tag given twice kept once (its first spelling), or the sentence that refuses them.
 */
export function parseTags(text: string): { tags: string[]; error?: undefined } | { error: string } {
  const tags: string[] = []
  const seen = new Set<string>()
  for (const part of text.split(',')) {
    const tag = part.trim().replace(/\s+/g, ' ')
    if (!tag || seen.has(tag.toLowerCase())) continue
    if (tag.length > RUN_TAG_MAX_LENGTH)
      return { error: `The tag “${tag.slice(0, 20)}…” is longer than ${RUN_TAG_MAX_LENGTH} characters.` }
    seen.add(tag.toLowerCase())
    tags.push(tag)
  }
  if (tags.length > RUN_TAGS_MAX)
    return { error: `A run has at most ${RUN_TAGS_MAX} tags (${tags.length} given).` }
  return { tags }
}
