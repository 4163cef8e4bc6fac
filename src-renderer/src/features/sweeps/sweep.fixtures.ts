/** Sweep records for the sweep view's tests. */
import { sweepRecordSchema, type SweepRecord, type SweepTrial } from '@common/sweep'

/** A trial of `sweepRecord`: learning rate and optimizer, its metric per epoch. */
export function trialFixture(number: number, over: Partial<SweepTrial> = {}): SweepTrial {
  const values = over.values ?? [0.8 + number / 100, 0.85 + number / 100, 0.9 + number / 100]
  return {
    number,
    runId: `run-${number}`,
    params: { learningRate: 10 ** -(2 + (number % 3)), optimizer: number % 2 ? 'adam' : 'sgd' },
    state: 'completed',
    epochs: 3,
    values,
    value: values.length ? Math.max(...values) : null,
    ...over,
  }
}

/** A TPE sweep on validation accuracy with ASHA (rungs at epoch 1) and the given trials. */
export function sweepRecordFixture(trials: SweepTrial[], over: Partial<SweepRecord> = {}): SweepRecord {
  return sweepRecordSchema.parse({
    id: 'sweep-1',
    name: 'Learning rate',
    createdAt: '2026-11-29T10:00:00.000Z',
    updatedAt: '2026-11-29T10:05:00.000Z',
    status: 'running',
    config: {
      base: { epochs: 3, trainLimit: 500 },
      method: 'tpe',
      metric: { name: 'val_accuracy', goal: 'maximize' },
      parameters: {
        learningRate: { distribution: 'log_uniform', min: 1e-4, max: 1e-2 },
        optimizer: { values: ['adam', 'sgd'] },
      },
      run_cap: 6,
      early_terminate: { type: 'asha', min_epochs: 1, eta: 3 },
    },
    trialCount: 6,
    trials,
    ...over,
  })
}
