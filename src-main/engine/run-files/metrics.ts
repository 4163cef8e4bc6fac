/**
 * `metrics.jsonl`: one JSON object a line, appended as training goes: throttled per-batch samples
 * (`type: 'batch'`) while an epoch trains, then the finished epoch (`type: 'epoch'`). Readers
 * tolerate a torn last line (a crash mid-write) and a resumed run trims the file back to its
 * checkpoint, so that every epoch's lines appear exactly once.
 */
import { appendFile, open, readFile } from 'node:fs/promises'
import {
  batchSampleSchema,
  epochMetricsSchema,
  type BatchSample,
  type EpochMetrics,
} from '@common/run-record'
import { errorMessage } from '../errors'
import { writeFileAtomic } from '../fs-atomic'
import { failsOnlyOnNulls } from './non-finite'

/** The valid lines of a metrics file, in file order, epochs and batch samples apart. */
export interface MetricsLines {
  epochs: EpochMetrics[]
  batches: BatchSample[]
}

/** A metrics file as its readers see it: the finished epochs, their samples, and those of the next. */
export interface StoredMetrics extends MetricsLines {
  /** The samples of the epoch after the last finished one (where a stopped or failed run ended). */
  unfinished: BatchSample[]
}

/**
 * The valid lines of a metrics file's text; torn and unknown lines are skipped. Earlier versions
 * kept training past a non-finite loss and wrote it as null (what JSON makes of NaN): such a file
 * is read up to its first null, where this version would have stopped the run.
 */
export function parseMetricsFile(text: string): MetricsLines {
  const lines: MetricsLines = { epochs: [], batches: [] }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch {
      continue // a torn line: the process died while writing it
    }
    if (failsOnlyOnNulls(epochMetricsSchema, json) || failsOnlyOnNulls(batchSampleSchema, json)) break
    const epoch = epochMetricsSchema.safeParse(json)
    if (epoch.success) {
      lines.epochs.push(epoch.data)
      continue
    }
    const batch = batchSampleSchema.safeParse(json)
    if (batch.success) lines.batches.push(batch.data)
  }
  return lines
}

/** The valid epoch lines of a metrics file's text, in file order (batch samples left out). */
export function parseMetricsLines(text: string): EpochMetrics[] {
  return parseMetricsFile(text).epochs
}

/** One sample per step (the last written wins), in step order, up to the end of `maxEpoch`. */
export function uniqueSamples(samples: BatchSample[], maxEpoch = Infinity): BatchSample[] {
  const byStep = new Map<number, BatchSample>()
  for (const s of samples) if (s.epoch <= maxEpoch) byStep.set(s.step, s)
  return [...byStep.values()].sort((a, b) => a.step - b.step)
}

/** One entry per epoch (the last written wins), in epoch order, up to `maxEpoch`. */
export function uniqueEpochs(metrics: EpochMetrics[], maxEpoch = Infinity): EpochMetrics[] {
  const byEpoch = new Map<number, EpochMetrics>()
  for (const m of metrics) if (m.epoch <= maxEpoch) byEpoch.set(m.epoch, m)
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch)
}

/** The epochs recorded in a metrics file; a missing file has none. */
export async function readMetrics(path: string): Promise<EpochMetrics[]> {
  return (await readMetricsFile(path)).epochs
}

/**
 * The epochs of a metrics file and the batch samples of those epochs; the samples of the epoch
 * that never finished after them (a stopped or failed run's last one) apart. A missing file has
 * none of them.
 */
export async function readMetricsFile(path: string): Promise<StoredMetrics> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''
    throw error
  })
  const lines = parseMetricsFile(text)
  const epochs = uniqueEpochs(lines.epochs)
  const finished = new Set(epochs.map((m) => m.epoch))
  const next = (epochs.at(-1)?.epoch ?? 0) + 1
  const samples = uniqueSamples(lines.batches)
  return {
    epochs,
    batches: samples.filter((s) => finished.has(s.epoch)),
    unfinished: samples.filter((s) => s.epoch === next),
  }
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
 * Rewrites the file to hold the lines of epochs 1..`maxEpoch` once each, every epoch's batch
 * samples before its epoch line, and nothing else (no torn line, no line of an epoch past the
 * checkpoint a resumed run continues from); returns the epochs it kept.
 */
export async function trimMetrics(path: string, maxEpoch: number): Promise<EpochMetrics[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null
    throw error
  })
  const trimmed = trimMetricsText(text ?? '', maxEpoch)
  if (text !== trimmed.text) await writeFileAtomic(path, trimmed.text)
  return trimmed.epochs
}

/**
 * A metrics file's text holding the lines of epochs 1..`maxEpoch` once each, every epoch's batch
 * samples before its epoch line, and the samples after the last (see trimMetrics).
 */
export function trimMetricsText(text: string, maxEpoch: number): { text: string; epochs: EpochMetrics[] } {
  const lines = parseMetricsFile(text)
  const kept = uniqueEpochs(lines.epochs, maxEpoch)
  const samples = uniqueSamples(lines.batches, maxEpoch)
  const ordered: (EpochMetrics | BatchSample)[] = []
  let next = 0
  for (const m of kept) {
    while (next < samples.length && samples[next].epoch <= m.epoch) ordered.push(samples[next++])
    ordered.push(m)
  }
  ordered.push(...samples.slice(next))
  return { text: ordered.map((line) => JSON.stringify(line) + '\n').join(''), epochs: kept }
}

/**
 * Appends a training session's lines in order: batch samples as they come, unflushed (a sample
 * only matters once its epoch is saved, and the epoch's flush covers it), and each epoch flushed.
 */
export class MetricsAppender {
  private queue: Promise<void> = Promise.resolve()
  private failure: string | null = null

  constructor(private readonly path: string) {}

  /** Queues one sample's line; a failed write fails the next `appendEpoch`. */
  appendBatch(sample: BatchSample): void {
    const line = JSON.stringify(compactSample(sample)) + '\n'
    this.queue = this.queue
      .then(() => appendFile(this.path, line))
      .catch((error: unknown) => {
        this.failure ??= errorMessage(error)
      })
  }

  /** Appends an epoch after the queued samples and flushes the file to disk. */
  async appendEpoch(metrics: EpochMetrics): Promise<void> {
    await this.queue
    if (this.failure) throw new Error(`Writing a batch sample to ${this.path} failed: ${this.failure}`)
    await appendMetrics(this.path, metrics)
  }

  /** Resolves once every queued line is written (or failed). */
  async settled(): Promise<void> {
    await this.queue
  }
}

/** Six significant digits and whole milliseconds: plenty for a curve, half the bytes of a double. */
function compactSample(sample: BatchSample): BatchSample {
  const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x)
  return {
    ...sample,
    loss: round(sample.loss),
    accuracy: round(sample.accuracy),
    elapsedMs: Math.round(sample.elapsedMs),
  }
}
