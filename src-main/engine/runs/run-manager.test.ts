import { existsSync } from 'node:fs'
import { appendFile, cp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EpochMetrics, RunRecord } from '@common/contract'
import type { RunConfigInput } from '@common/schemas'
import { readLock } from '../process-lock'
import { runPaths } from '../run-files/paths'
import { RunManager } from './run-manager'
import {
  barRunConfig,
  figures,
  lineFigures,
  managerOnFreshHome,
  parsedLines,
  useBarDataRoot,
  type Event,
} from './test-helpers'
import { checkpointFolder } from '../run-files/checkpoint-paths'
import { exportModel } from './export-model'
import { RunInspector } from '../inspect/inspector'

const where = useBarDataRoot('cnn-runs-')

/** A manager on a fresh home, recording every event. */
const setup = () => managerOnFreshHome(where.root)
const config = (overrides: RunConfigInput = {}) => barRunConfig(where.dataFolder, overrides)

/** Every file under `dir` with its bytes, as one hash: equal before and after means nothing changed. */
async function folderHash(dir: string): Promise<string> {
  const hash = createHash('sha256')
  const names = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
  for (const name of names) hash.update(name).update(await readFile(name))
  return hash.digest('hex')
}

// Each test forks training processes; on a busy two-core machine they take a while to start.
describe('RunManager with a real training process', { timeout: 120_000 }, () => {
  it('trains a run to the end, with events, run.json, metrics.jsonl and one checkpoint', async () => {
    const { home, manager, events } = await setup()
    const started = await manager.start(config({ name: 'bars' }))
    expect(started.status).toBe('running')
    const final = await manager.waitFor(started.id)
    expect(final.status).toBe('completed')
    expect(final.summary?.epochs).toBe(2)
    expect(final.summary?.valAccuracy).toBeGreaterThan(0.3)
    expect(final.backend?.name).toBe('cpu')
    expect(final.checkpointEpoch).toBe(2)

    const channels = events
      .filter((e) => 'runId' in e.payload && e.payload.runId === started.id)
      .map((e) => e.channel)
    expect(channels.filter((c) => c === 'runs.epoch')).toHaveLength(2)
    expect(channels).toContain('runs.progress')
    const statuses = events.flatMap((e) => (e.channel === 'runs.status' ? [e.payload.status] : []))
    expect(statuses).toEqual(['running', 'completed'])

    const paths = runPaths(home, started.id)
    const onDisk = JSON.parse(await readFile(paths.record, 'utf8')) as RunRecord
    expect(onDisk).toMatchObject({ id: started.id, name: 'bars', status: 'completed', checkpointEpoch: 2 })
    const lines = await parsedLines(home, started.id)
    expect(lines.filter((l) => l.type === 'epoch')).toMatchObject([
      { type: 'epoch', epoch: 1 },
      { type: 'epoch', epoch: 2 },
    ])
    // At least the first batch is sampled; every sample comes before its epoch's line.
    const samples = lines.filter((l) => l.type === 'batch')
    expect(samples[0]).toMatchObject({ type: 'batch', epoch: 1, batch: 1, step: 1 })
    expect(lines.map((l) => l.epoch)).toEqual([...lines.map((l) => l.epoch)].sort((a, b) => a - b))
    expect(await readdir(paths.checkpoints)).toEqual(['epoch-000002'])
    expect((await readdir(join(paths.checkpoints, 'epoch-000002'))).sort()).toEqual([
      'model.json',
      'optimizer.bin',
      'state.json',
      'weights.bin',
    ])

    const [item] = await manager.list()
    expect(item).toMatchObject({ id: started.id, damaged: false, record: { status: 'completed' } })
    const details = await manager.get(started.id)
    expect(details.metrics.map((m) => m.epoch)).toEqual([1, 2])
    expect(details.batches.map((b) => [b.epoch, b.batch])).toEqual(samples.map((s) => [s.epoch, s.batch]))
    expect(details.batches[0]).toMatchObject({ runId: started.id, epochs: 2, batches: 10, etaMs: null })
    // Each epoch counts the validation images per class: ten classes, each image once, the right
    // ones adding up to its accuracy; the live event, the file and runs.get carry the same counts.
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
    const live = events.flatMap((e) => (e.channel === 'runs.epoch' ? [e.payload.metrics] : []))
    for (const [i, m] of details.metrics.entries()) {
      const { correct, total } = m.valPerClass!
      expect(total).toHaveLength(10)
      expect(sum(correct)).toBe(Math.round(m.valAccuracy * sum(total)))
      expect(live[i].valPerClass).toEqual(m.valPerClass)
      expect(lines.find((l) => l.type === 'epoch' && l.epoch === m.epoch)).toMatchObject({
        valPerClass: m.valPerClass,
      })
    }
    const lean = await manager.get(started.id, { batches: false })
    expect(lean.metrics).toEqual(details.metrics)
    expect(lean.batches).toEqual([])
  })

  it('deletes a run that is training by stopping it first, then removing its folder', async () => {
    const { home, manager, next, events } = await setup()
    const run = await manager.start(config({ epochs: 500 }))
    const mine = (e: Event) => 'runId' in e.payload && e.payload.runId === run.id
    await next((e) => mine(e) && e.channel === 'runs.progress')
    await expect(manager.delete(run.id)).resolves.toEqual({ id: run.id })
    expect(existsSync(runPaths(home, run.id).dir)).toBe(false)
    expect(events.some((e) => mine(e) && e.channel === 'runs.status' && e.payload.status === 'stopped')).toBe(
      true,
    )
    expect(await manager.list()).toEqual([])
  })

  it('stops in the middle of an epoch, keeping the finished epochs and nothing of the unfinished one', async () => {
    // Every batch sampled, so the unfinished epoch surely has samples in metrics.jsonl.
    const { home, manager, next } = await setup()
    const run = await manager.start(config({ epochs: 500 }))
    const mine = (e: Event) => 'runId' in e.payload && e.payload.runId === run.id
    // The stop lands after epoch 1 has finished and its checkpoint is on disk.
    await next((e) => mine(e) && e.channel === 'runs.progress' && e.payload.epoch >= 2)
    const stopped = await manager.stop(run.id)
    expect(stopped.status).toBe('stopped')
    const kept = stopped.checkpointEpoch
    expect(kept).toBeGreaterThanOrEqual(1)
    expect(stopped.summary?.epochs).toBe(kept)
    const paths = runPaths(home, run.id)
    expect(await readdir(paths.checkpoints)).toEqual([`epoch-${String(kept).padStart(6, '0')}`])
    expect(existsSync(paths.lock)).toBe(false)

    const lines = await parsedLines(home, run.id)
    expect(lines.filter((l) => l.type === 'epoch').map((l) => l.epoch)).toEqual(
      Array.from({ length: kept }, (_, i) => i + 1),
    )
    // The file holds samples of the epoch the stop cut short; the run's curve leaves them out.
    expect(lines.some((l) => l.type === 'batch' && l.epoch === kept + 1)).toBe(true)
    const details = await manager.get(run.id)
    expect(details.record).toMatchObject({ status: 'stopped', checkpointEpoch: kept })
    expect(details.metrics.map((m) => m.epoch)).toEqual(Array.from({ length: kept }, (_, i) => i + 1))
    expect(details.batches.length).toBe(10 * kept)
    expect(details.batches.every((b) => b.epoch <= kept)).toBe(true)
  })

  it('reports a killed trainer as interrupted and resumes it to the curves of an uninterrupted run', async () => {
    // Every batch sampled, so the batch lines of both runs can be compared one for one.
    const { home, manager, next } = await setup()
    const straight = await manager.start(config({ epochs: 3 }))
    const reference = (await manager.waitFor(straight.id)) && (await manager.get(straight.id)).metrics
    const referenceLines = await parsedLines(home, straight.id)
    expect(referenceLines.filter((l) => l.type === 'batch')).toHaveLength(30)

    const run = await manager.start(config({ epochs: 3 }))
    await next((e) => e.channel === 'runs.epoch' && e.payload.runId === run.id)
    const { holder } = await readLock(runPaths(home, run.id).lock)
    process.kill(holder!.child!.pid, 'SIGKILL')
    const killed = await manager.waitFor(run.id)
    expect(killed.status).toBe('interrupted')
    expect(killed.checkpointEpoch).toBeGreaterThanOrEqual(1)

    // What a crash mid-write leaves: lines past the checkpoint and a torn one.
    const metricsPath = runPaths(home, run.id).metrics
    const past = killed.checkpointEpoch + 1
    const extra = { ...reference[0], epoch: past }
    const extraSample = {
      type: 'batch',
      epoch: past,
      batch: 3,
      step: (past - 1) * 10 + 3,
      loss: 9,
      accuracy: 0,
      elapsedMs: 1,
    }
    await appendFile(
      metricsPath,
      [extraSample, extra].map((l) => JSON.stringify(l) + '\n').join('') + '{"type":"batch","epo',
    )
    // Until it is resumed, the run shows the lines of its saved epochs (and of a finished one past them).
    const interrupted = await manager.get(run.id)
    expect(interrupted.batches.length).toBeGreaterThanOrEqual(10 * killed.checkpointEpoch)

    const resumed = await manager.resume(run.id)
    expect(resumed.status).toBe('running')
    const final = await manager.waitFor(run.id)
    expect(final.status).toBe('completed')
    const lines = await parsedLines(home, run.id)
    const epochLines = lines.filter((l): l is EpochMetrics => l.type === 'epoch')
    expect(epochLines.map((m) => m.epoch)).toEqual([1, 2, 3])
    expect(epochLines.map(figures)).toEqual(reference.map(figures))
    // Every line once, in order, batch samples included: the file of the uninterrupted run.
    expect(lines.map(lineFigures)).toEqual(referenceLines.map(lineFigures))
    const curve = (await manager.get(run.id)).batches
    expect(curve.map((b) => [b.epoch, b.batch, b.loss])).toEqual(
      (await manager.get(straight.id)).batches.map((b) => [b.epoch, b.batch, b.loss]),
    )
    await expect(manager.resume(run.id)).rejects.toMatchObject({ code: 'conflict' })
  })

  it('resumes a killed run with every recipe on to exactly the weights, best epoch and test figures of an uninterrupted one', async () => {
    // Batch norm, augmentation, a schedule with warm-up, decay, smoothing, clipping, a validation
    // split, 2 replicas, and early stopping that can only end it after epoch 3 (nothing improves
    // by more than 1): a resume that lost any of their state would train other weights or stop
    // at another epoch.
    const recipe = config({
      architecture: {
        convBlocks: [{ filters: 4, kernelSize: 3, batchNorm: true, pooling: 'max', dropout: 0.1 }],
        denseLayers: [{ units: 16, batchNorm: true, dropout: 0.25 }],
      },
      epochs: 5,
      replicas: 2,
      validationSplit: 0.2,
      augmentation: { rotation: 10, zoom: 0.1, shift: 0.1, horizontalFlip: false },
      schedule: { kind: 'cosine', finalFactor: 0.1 },
      warmupEpochs: 0.5,
      weightDecay: 0.01,
      labelSmoothing: 0.1,
      gradientClipNorm: 1,
      // An accuracy never rises by more than 1.
      monitor: 'val_accuracy',
      earlyStopping: { patience: 2, minDelta: 1 },
    })
    const { home, manager, next } = await setup()
    const straight = await manager.start(recipe)
    const reference = await manager.waitFor(straight.id)
    expect(reference).toMatchObject({ status: 'completed', checkpointEpoch: 3, summary: { epochs: 3 } })
    expect(reference.summary?.testEpoch).toBe(reference.summary?.bestEpoch)
    expect(reference.summary?.testAccuracy).toBeGreaterThan(0.1)

    const run = await manager.start(recipe)
    await next((e) => e.channel === 'runs.epoch' && e.payload.runId === run.id)
    const { holder } = await readLock(runPaths(home, run.id).lock)
    process.kill(holder!.child!.pid, 'SIGKILL')
    const killed = await manager.waitFor(run.id)
    expect(killed.status).toBe('interrupted')
    expect(killed.summary?.testAccuracy).toBeNull()
    await manager.resume(run.id)
    const final = await manager.waitFor(run.id)

    expect(final.summary).toEqual({
      ...reference.summary,
      samplesPerSec: final.summary?.samplesPerSec,
      durationMs: final.summary?.durationMs,
    })
    expect((await parsedLines(home, run.id)).map(lineFigures)).toEqual(
      (await parsedLines(home, straight.id)).map(lineFigures),
    )
    const folders = async (id: string) => (await readdir(runPaths(home, id).checkpoints)).sort()
    const kept = await folders(straight.id)
    expect(kept).toEqual([`best-epoch-00000${reference.summary?.bestEpoch}`, 'epoch-000003'])
    expect(await folders(run.id)).toEqual(kept)
    for (const folder of kept) {
      const weights = (id: string) => readFile(join(runPaths(home, id).checkpoints, folder, 'weights.bin'))
      expect((await weights(run.id)).equals(await weights(straight.id))).toBe(true)
    }
  })

  it('refuses to rename, delete or resume a run that another live process trains, naming it', async () => {
    const { home, manager, next } = await setup()
    const other = new RunManager({ home, emit: () => undefined })
    const run = await manager.start(config({ epochs: 500 }))
    await next((e) => e.channel === 'runs.progress' && e.payload.runId === run.id)
    const holder = new RegExp(
      `^Run ${run.id} is being trained by process ${process.pid} on this machine \\(since \\d\\d:\\d\\d:\\d\\d\\)\\.$`,
    )
    for (const attempt of [
      () => other.rename(run.id, 'renamed elsewhere'),
      () => other.delete(run.id),
      () => other.resume(run.id),
    ]) {
      await expect(attempt()).rejects.toThrow(holder)
      await expect(attempt()).rejects.toMatchObject({ code: 'conflict' })
    }
    expect((await other.get(run.id)).record).toMatchObject({ status: 'running', name: run.name })
    // Its own manager renames it, and the trainer's next write keeps the new name.
    await manager.rename(run.id, 'renamed here')
    const stopped = await manager.stop(run.id)
    expect(stopped.name).toBe('renamed here')
    expect((await other.get(run.id)).record).toMatchObject({ status: 'stopped', name: 'renamed here' })
    await other.rename(run.id, 'renamed elsewhere')
    expect((await manager.get(run.id)).record.name).toBe('renamed elsewhere')
  })

  it('refuses to resume from a missing or damaged checkpoint, naming file and epoch, and changes nothing', async () => {
    const { home, manager } = await setup()
    const trained = await manager.start(config())
    expect((await manager.waitFor(trained.id)).status).toBe('completed')
    const source = runPaths(home, trained.id).dir
    const record = JSON.parse(await readFile(runPaths(home, trained.id).record, 'utf8')) as RunRecord
    const damages: [string, (checkpoint: string) => Promise<void>, RegExp][] = [
      [
        'missing',
        (checkpoint) => rm(checkpoint, { recursive: true }),
        /^Run \S+ cannot be resumed: the checkpoint of epoch 2 \(checkpoints\/epoch-000002\) is missing\.$/,
      ],
      [
        'truncated weights',
        async (checkpoint) => truncate(join(checkpoint, 'weights.bin'), 100),
        /^Run \S+ cannot be resumed: the checkpoint of epoch 2 is damaged: weights\.bin has 100 bytes where model\.json lists \d+\.$/,
      ],
      [
        'bad state',
        (checkpoint) => writeFile(join(checkpoint, 'state.json'), '{"format": 1, "epo'),
        /^Run \S+ cannot be resumed: the checkpoint of epoch 2 is damaged: state\.json is not valid JSON\.$/,
      ],
      [
        'bad model',
        (checkpoint) => writeFile(join(checkpoint, 'model.json'), '{}'),
        /^Run \S+ cannot be resumed: the checkpoint of epoch 2 is damaged: model\.json has no weightsManifest\.$/,
      ],
      [
        'truncated optimizer state',
        async (checkpoint) => truncate(join(checkpoint, 'optimizer.bin'), 8),
        /^Run \S+ cannot be resumed: the checkpoint of epoch 2 is damaged: optimizer\.bin has 8 bytes where state\.json lists \d+\.$/,
      ],
    ]
    for (const [what, damage, message] of damages) {
      const id = `20260101-000000-${what.replace(/ /g, '-')}`
      const paths = runPaths(home, id)
      await cp(source, paths.dir, { recursive: true })
      await writeFile(paths.record, JSON.stringify({ ...record, id, status: 'stopped' }))
      await damage(checkpointFolder(paths.checkpoints, 2))
      const before = await folderHash(paths.dir)
      await expect(manager.resume(id), what).rejects.toThrow(message)
      await expect(manager.resume(id), what).rejects.toMatchObject({ code: 'unavailable' })
      expect(await folderHash(paths.dir), what).toBe(before)
      expect((await manager.get(id)).record.status, what).toBe('stopped')
    }
  })

  it('fails a run at its first non-finite loss with a sentence, keeping what came before', async () => {
    // sgd at 0.2 on linear activations: the loss of these bars overflows in epoch 3.
    const { home, manager } = await setup()
    const linear = {
      convBlocks: [{ filters: 4, kernelSize: 3, activation: 'linear' as const }],
      denseLayers: [{ units: 16, activation: 'linear' as const }],
    }
    const run = await manager.start(
      config({ architecture: linear, optimizer: 'sgd', learningRate: 0.2, epochs: 4 }),
    )
    const final = await manager.waitFor(run.id)
    expect(final.status).toBe('failed')
    expect(final.error).toMatch(
      /^The loss became (NaN|Infinity) at epoch 3, batch \d+; try a lower learning rate\.$/,
    )
    const batch = Number(/batch (\d+)/.exec(final.error!)![1])
    expect(final.checkpointEpoch).toBe(2)
    expect(final.summary).toMatchObject({ epochs: 2 })

    // Nothing non-finite is written; the curve runs up to the batch before the failure.
    const text = await readFile(runPaths(home, run.id).metrics, 'utf8')
    expect(text).not.toContain('null')
    const [item] = await manager.list()
    expect(item).toMatchObject({ id: run.id, damaged: false, record: { status: 'failed' } })
    const details = await manager.get(run.id)
    expect(details.metrics.map((m) => m.epoch)).toEqual([1, 2])
    expect(details.batches.at(-1)).toMatchObject({ epoch: 3, batch: batch - 1 })
    expect(details.batches.every((b) => Number.isFinite(b.loss))).toBe(true)
    expect((await exportModel(home, run.id)).epoch).toBe(2)
    const inspector = new RunInspector({ home, backend: 'cpu' })
    const seen = await inspector.activations(run.id, { kind: 'test', index: 0 })
    expect(seen.checkpointEpoch).toBe(2)
    expect(seen.probabilities.every(Number.isFinite)).toBe(true)
  })
})
