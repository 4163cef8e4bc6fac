import { describe, expect, it } from 'vitest'
import { runRecordSchema } from './run-record'
import { summarizeMetrics, testResultOf } from './summary'

/** run.json as the version before validation splits, recipes and test figures wrote it. */
const legacy = {
  id: 'r1',
  name: 'old',
  createdAt: '2025-11-20T10:00:00Z',
  updatedAt: '2025-11-20T10:00:00Z',
  status: 'completed',
  config: {
    dataset: { kind: 'mnist' },
    architecture: {
      convBlocks: [
        { filters: 32, kernelSize: 5, stride: 1, padding: 'valid', activation: 'relu', pooling: 'max' },
      ],
      denseLayers: [{ units: 500, activation: 'relu', dropout: 0.4 }],
    },
    epochs: 2,
    batchSize: 100,
    learningRate: 1e-4,
    optimizer: 'adam',
    momentum: 0.9,
    seed: 42,
    trainLimit: null,
    backend: 'auto',
    replicas: null,
  },
  dataset: null,
  backend: null,
  summary: {
    epochs: 2,
    trainLoss: 0.1,
    trainAccuracy: 0.97,
    valLoss: 0.08,
    valAccuracy: 0.975,
    bestValAccuracy: 0.975,
    bestEpoch: 2,
    samplesPerSec: 700,
    durationMs: 1000,
  },
  checkpointEpoch: 2,
}

const line = (epoch: number, valLoss: number, valAccuracy: number) => ({
  type: 'epoch' as const,
  epoch,
  trainLoss: 0.2,
  trainAccuracy: 0.9,
  valLoss,
  valAccuracy,
  samplesPerSec: 100 * epoch,
  elapsedMs: 1000 * epoch,
  time: '2025-11-20T10:00:00Z',
})

describe('run records', () => {
  it('read a run recorded before the recipes as validated on the test set, trained as it was', () => {
    const record = runRecordSchema.parse(legacy)
    expect(record.config.validationSplit).toBe(0)
    expect(record.config.augmentation).toEqual({ rotation: 0, zoom: 0, shift: 0, horizontalFlip: false })
    expect(record.config.schedule).toEqual({ kind: 'constant' })
    expect(record.config.earlyStopping).toBeNull()
    expect(record.config.architecture.convBlocks[0]).toMatchObject({ convs: 1, batchNorm: false, dropout: 0 })
    expect(record.config.architecture.globalPooling).toBe('none')
    expect(record.summary).toMatchObject({ testAccuracy: null, testEpoch: null, bestEpoch: 2 })
  })

  it('keep a new run’s own split', () => {
    const record = runRecordSchema.parse({ ...legacy, config: { ...legacy.config, validationSplit: 0.2 } })
    expect(record.config.validationSplit).toBe(0.2)
  })

  it('summarize the best epoch by the run’s monitor and carry the test figures', () => {
    const metrics = [line(1, 0.3, 0.95), line(2, 0.2, 0.97), line(3, 0.25, 0.98)]
    expect(summarizeMetrics(metrics)).toMatchObject({
      bestEpoch: 3,
      bestValAccuracy: 0.98,
      testAccuracy: null,
    })
    const byLoss = summarizeMetrics(
      metrics,
      { monitor: 'val_loss', earlyStopping: null },
      {
        epoch: 2,
        loss: 0.21,
        accuracy: 0.968,
      },
    )
    expect(byLoss).toMatchObject({
      epochs: 3,
      valAccuracy: 0.98,
      bestEpoch: 2,
      bestValAccuracy: 0.97,
      testAccuracy: 0.968,
      testLoss: 0.21,
      testEpoch: 2,
      samplesPerSec: 200,
    })
    expect(testResultOf(byLoss)).toEqual({ epoch: 2, loss: 0.21, accuracy: 0.968 })
    expect(testResultOf(summarizeMetrics(metrics))).toBeNull()
  })
})
