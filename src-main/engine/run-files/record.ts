/**
 * `run.json`: reading it defensively (a damaged file is reported, never thrown at a listing) and
 * writing it atomically.
 */
import { readFile } from 'node:fs/promises'
import { runRecordSchema, runSummarySchema, type RunRecord } from '@common/run-record'
import { failsOnlyOnNulls } from './non-finite'
import { writeJsonAtomic } from '../fs-atomic'

export type ReadRecordResult =
  { ok: true; record: RunRecord } | { ok: false; reason: string; missing: boolean }

/** Reads and validates `run.json`; says in a sentence what is wrong with it when it is. */
export async function readRecord(path: string, id: string): Promise<ReadRecordResult> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    const reason = missing ? 'run.json is missing.' : `run.json cannot be read (${(error as Error).message}).`
    return { ok: false, reason, missing }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'run.json is not valid JSON.', missing: false }
  }
  const parsed = runRecordSchema.safeParse(withoutNonFiniteSummary(json))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue.path.length > 0 ? issue.path.join('.') : 'the document'
    return {
      ok: false,
      reason: `run.json has a bad or missing field ${where}: ${issue.message}.`,
      missing: false,
    }
  }
  // The folder's name is the run's id, even in a folder copied under another name.
  return { ok: true, record: { ...parsed.data, id } }
}

/**
 * Earlier versions trained on past a non-finite loss and wrote a summary with nulls (what JSON
 * makes of NaN): such a run failed where its loss diverged, and its summary means nothing.
 */
function withoutNonFiniteSummary(json: unknown): unknown {
  if (typeof json !== 'object' || json === null) return json
  const record = json as Record<string, unknown>
  if (!failsOnlyOnNulls(runSummarySchema, record.summary)) return json
  return {
    ...record,
    summary: null,
    status: 'failed',
    error:
      'The loss stopped being a finite number; an earlier version trained this run on past that point. Try a lower learning rate.',
  }
}

/** Writes `run.json` atomically. */
export async function writeRecord(path: string, record: RunRecord): Promise<void> {
  await writeJsonAtomic(path, record)
}
