/**
 * `metrics.jsonl`: one finished epoch a line, appended as training goes. Readers tolerate a torn
 * last line (a crash mid-write) and a resumed run trims the file back to its checkpoint, so that
 * every epoch appears exactly once.
 */
import { open, readFile } from 'node:fs/promises'
import { z } from 'zod'
import type { EpochMetrics } from '../../api/contract'
import { writeFileAtomic } from '../fs-atomic'

const epochMetricsSchema = z.object({
  type: z.literal('epoch'),
  epoch: z.number().int().min(1),
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  valLoss: z.number(),
  valAccuracy: z.number(),
  samplesPerSec: z.number(),
  elapsedMs: z.number(),
  time: z.string(),
})

/** The valid epoch lines of a metrics file's text, in file order. */
export function parseMetricsLines(text: string): EpochMetrics[] {
  const metrics: EpochMetrics[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch {
      continue // a torn line: the process died while writing it
    }
    const parsed = epochMetricsSchema.safeParse(json)
    if (parsed.success) metrics.push(parsed.data)
  }
  return metrics
}

/** One entry per epoch (the last written wins), in epoch order, up to `maxEpoch`. */
export function uniqueEpochs(metrics: EpochMetrics[], maxEpoch = Infinity): EpochMetrics[] {
  const byEpoch = new Map<number, EpochMetrics>()
  for (const m of metrics) if (m.epoch <= maxEpoch) byEpoch.set(m.epoch, m)
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch)
}

/** The epochs recorded in a metrics file; a missing file has none. */
export async function readMetrics(path: string): Promise<EpochMetrics[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''
    throw error
  })
  return uniqueEpochs(parseMetricsLines(text))
}

/** Appends one epoch and flushes it to disk before returning. */
export async function appendMetrics(path: string, metrics: EpochMetrics): Promise<void> {
  const handle = await open(path, 'a')
  try {
    await handle.write(JSON.stringify(metrics) + '\n')
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Rewrites the file to hold epochs 1..`maxEpoch` once each and nothing else (no torn line, no
 * epoch past the checkpoint a resumed run continues from); returns what it kept.
 */
export async function trimMetrics(path: string, maxEpoch: number): Promise<EpochMetrics[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null
    throw error
  })
  const kept = uniqueEpochs(parseMetricsLines(text ?? ''), maxEpoch)
  const wanted = kept.map((m) => JSON.stringify(m) + '\n').join('')
  if (text !== wanted) await writeFileAtomic(path, wanted)
  return kept
}
