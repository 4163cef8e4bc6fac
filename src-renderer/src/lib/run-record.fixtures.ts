/** Runs for unit tests: records and epochs as the engine stores them. */
import type { BatchProgress, EpochMetrics, RunDetails, RunRecord } from '@common/contract'
import { runConfigSchema, type RunConfigInput } from '@common/schemas'
import { summarizeMetrics } from '@common/summary'

/** Epochs with the given validation accuracies (training a little above, losses falling). */
export function epochs(valAccuracies: readonly number[], msPerEpoch = 10_000): EpochMetrics[] {
  return valAccuracies.map((valAccuracy, i) => ({
    type: 'epoch',
    epoch: i + 1,
    trainLoss: 1 / (i + 2),
    trainAccuracy: Math.min(1, valAccuracy + 0.01),
    valLoss: 1.1 / (i + 2),
    valAccuracy,
    samplesPerSec: 500,
    elapsedMs: (i + 1) * msPerEpoch,
    time: new Date(Date.UTC(2025, 10, 26, 10, 0, (i + 1) * 10)).toISOString(),
  }))
}

/** A completed run with `config` over the defaults, summarising `metrics`. */
export function runRecord(
  id: string,
  name: string,
  config: RunConfigInput,
  metrics: readonly EpochMetrics[],
): RunRecord {
  return {
    id,
    name,
    createdAt: '2025-11-26T10:00:00.000Z',
    updatedAt: '2025-11-26T10:01:00.000Z',
    status: 'completed',
    config: runConfigSchema.parse(config),
    dataset: { ref: { kind: 'mnist' }, title: 'MNIST', trainCount: 60000, testCount: 10000 },
    backend: { name: 'wasm', version: '4.22.0', device: 'cpu', threads: 1 },
    summary: summarizeMetrics(metrics),
    checkpointEpoch: metrics.at(-1)?.epoch ?? 0,
  }
}

/** A per-batch sample of run `runId` at `batch` of `batches` in `epoch`. */
export function batchProgress(runId: string, epoch: number, batch: number, batches = 10): BatchProgress {
  return {
    runId,
    epoch,
    epochs: 2,
    batch,
    batches,
    loss: 1 / (epoch + batch),
    accuracy: 0.5,
    samplesPerSec: 500,
    elapsedMs: 1000 * batch,
    etaMs: 9000,
  }
}

/** What `runs.get` answers for `record`: its epochs and the batches kept while it trains. */
export function runDetails(
  record: RunRecord,
  metrics: EpochMetrics[] = [],
  batches: BatchProgress[] = [],
): RunDetails {
  return { record, metrics, batches }
}
