import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BatchSample, EpochMetrics } from '@common/run-record'
import { MetricsAppender, parseMetricsLines, readMetrics, readMetricsFile, trimMetrics } from './metrics'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnn-metrics-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const epoch = (n: number): EpochMetrics => ({
  type: 'epoch',
  epoch: n,
  trainLoss: 1 / n,
  trainAccuracy: 0.5,
  valLoss: 1 / n,
  valAccuracy: 0.6,
  samplesPerSec: 100,
  elapsedMs: 1000 * n,
  time: '2026-01-01T00:00:00.000Z',
})
/** Sample `batch` of `epoch`, with 10 batches an epoch. */
const sample = (e: number, batch: number): BatchSample => ({
  type: 'batch',
  epoch: e,
  batch,
  step: (e - 1) * 10 + batch,
  loss: 2 / (e * 10 + batch),
  accuracy: 0.5,
  elapsedMs: e * 1000 + batch,
})
const line = (value: object) => JSON.stringify(value) + '\n'

describe('metrics.jsonl', () => {
  it('gives epoch readers only epoch lines, and batch readers the samples of finished epochs', async () => {
    const path = join(dir, 'mixed.jsonl')
    const text =
      [sample(1, 1), sample(1, 6), epoch(1), sample(2, 3), epoch(2), sample(3, 2)].map(line).join('') +
      '{"type":"batch","epoch":3,"ba'
    await writeFile(path, text)
    expect(parseMetricsLines(text).map((m) => m.epoch)).toEqual([1, 2])
    expect((await readMetrics(path)).map((m) => m.type)).toEqual(['epoch', 'epoch'])
    const file = await readMetricsFile(path)
    expect(file.epochs.map((m) => m.epoch)).toEqual([1, 2])
    // Epoch 3 never finished: its sample is left out, like its epoch, and kept apart.
    expect(file.batches.map((s) => s.step)).toEqual([1, 6, 13])
    expect(file.unfinished.map((s) => s.step)).toEqual([22])
    expect(await readMetricsFile(join(dir, 'none.jsonl'))).toEqual({
      epochs: [],
      batches: [],
      unfinished: [],
    })
  })

  it('reads epochs recorded before per-class counts, and keeps new ones’ counts through a resume’s trim', async () => {
    // A line exactly as the version before per-class counts wrote it.
    const old =
      '{"type":"epoch","epoch":1,"trainLoss":0.41,"trainAccuracy":0.88,"valLoss":0.2,"valAccuracy":0.94,' +
      '"samplesPerSec":512.5,"elapsedMs":2345,"time":"2026-11-20T10:00:00.000Z"}\n'
    const counted = { ...epoch(2), valPerClass: { correct: [3, 0, 2], total: [3, 1, 4] } }
    // A damaged count (a right answer above its total) loses the counts, not the epoch.
    const damaged = { ...epoch(3), valPerClass: { correct: [5, 0], total: [3, 1] } }
    const path = join(dir, 'per-class.jsonl')
    await writeFile(path, old + line(counted) + line(damaged))
    const epochs = await readMetrics(path)
    expect(epochs.map((m) => [m.epoch, m.valAccuracy])).toEqual([
      [1, 0.94],
      [2, 0.6],
      [3, 0.6],
    ])
    expect(epochs.map((m) => m.valPerClass)).toEqual([undefined, counted.valPerClass, undefined])
    expect(epochs[0]).not.toHaveProperty('valPerClass')
    // A run resumed from epoch 2 keeps its lines as they were, counts included.
    expect(await trimMetrics(path, 2)).toEqual(epochs.slice(0, 2))
    expect(await readFile(path, 'utf8')).toBe(old + line(counted))
  })

  it('trims every line of the epochs past the checkpoint, and the torn one', async () => {
    const path = join(dir, 'trim.jsonl')
    const kept = [sample(1, 2), sample(1, 9), epoch(1), sample(2, 4), epoch(2)]
    const dropped = [sample(3, 1), sample(3, 5), epoch(3), sample(4, 1)]
    await writeFile(path, [...kept, ...dropped].map(line).join('') + '{"type":"epo')
    expect((await trimMetrics(path, 2)).map((m) => m.epoch)).toEqual([1, 2])
    expect(await readFile(path, 'utf8')).toBe(kept.map(line).join(''))
    // Already trimmed: nothing changes.
    await trimMetrics(path, 2)
    expect(await readFile(path, 'utf8')).toBe(kept.map(line).join(''))
    expect((await trimMetrics(path, 0)).length).toBe(0)
    expect(await readFile(path, 'utf8')).toBe('')
  })

  it('appends samples compactly and in order, each epoch after its samples', async () => {
    const path = join(dir, 'append.jsonl')
    const appender = new MetricsAppender(path)
    appender.appendBatch({ ...sample(1, 1), loss: 2.302585092994046, accuracy: 1 / 3, elapsedMs: 12.7 })
    appender.appendBatch(sample(1, 5))
    await appender.appendEpoch(epoch(1))
    appender.appendBatch(sample(2, 1))
    await appender.settled()
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n')
    expect(lines[0]).toBe(
      '{"type":"batch","epoch":1,"batch":1,"step":1,"loss":2.30259,"accuracy":0.333333,"elapsedMs":13}',
    )
    expect(lines.map((l) => (JSON.parse(l) as { type: string; epoch: number }).type)).toEqual([
      'batch',
      'batch',
      'epoch',
      'batch',
    ])
  })

  it('fails the epoch when a sample could not be written', async () => {
    const appender = new MetricsAppender(join(dir, 'no-such-folder', 'metrics.jsonl'))
    appender.appendBatch(sample(1, 1))
    await expect(appender.appendEpoch(epoch(1))).rejects.toThrow(/Writing a batch sample .* failed/)
  })
})
