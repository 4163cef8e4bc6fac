import { describe, expect, it } from 'vitest'
import { epochs, runRecord } from '../../../lib/run-record.fixtures'
import { compareRows, configDifference, differingRows, ROW_LABELS } from './compare-rows'

const fast = runRecord(
  '1',
  'lr 1e-3',
  { learningRate: 1e-3, epochs: 2, trainLimit: 500 },
  epochs([0.9, 0.95]),
)
const slow = runRecord(
  '2',
  'lr 1e-4',
  { learningRate: 1e-4, epochs: 2, trainLimit: 500 },
  epochs([0.7, 0.85]),
)

describe('compare rows', () => {
  it('has the fields the issue names', () => {
    for (const label of [
      'Learning rate',
      'Batch size',
      'Epochs',
      'Optimizer',
      'Architecture',
      'Data set',
      'Backend',
    ]) {
      expect(ROW_LABELS).toContain(label)
    }
    for (const label of [
      'Best validation accuracy',
      'Best epoch',
      'Final validation loss',
      'Final training loss',
      'Duration',
      'Samples/s',
    ]) {
      expect(ROW_LABELS).toContain(label)
    }
  })

  it('marks the rows that differ and the best result', () => {
    const rows = compareRows([fast, slow], { paramsOf: () => 569606 })
    const byKey = new Map(rows.map((r) => [r.key, r]))
    expect(byKey.get('learningRate')).toMatchObject({
      display: ['1e-3', '1e-4'],
      values: [1e-3, 1e-4],
      differs: true,
    })
    expect(byKey.get('batchSize')).toMatchObject({ display: ['100', '100'], differs: false })
    expect(byKey.get('parameters')?.display).toEqual(['569,606', '569,606'])
    expect(byKey.get('trainImages')?.display).toEqual(['500', '500'])
    expect(byKey.get('bestValAccuracy')).toMatchObject({ display: ['95.00%', '85.00%'], best: [0] })
    expect(byKey.get('valLoss')?.best).toEqual([])
    expect(byKey.get('bestEpoch')?.best).toEqual([])
  })

  it('sets the recipes side by side, and ranks the test accuracy', () => {
    const plain = { ...fast, summary: { ...fast.summary!, testAccuracy: 0.991 } }
    const recipe = runRecord(
      '5',
      'best',
      {
        learningRate: 1e-3,
        epochs: 2,
        trainLimit: 500,
        validationSplit: 0.1,
        augmentation: { rotation: 10 },
        schedule: { kind: 'exponential', factor: 0.95 },
        keepBest: true,
      },
      epochs([0.9, 0.95]),
    )
    recipe.summary = { ...recipe.summary!, testAccuracy: 0.9962 }
    const byKey = new Map(compareRows([plain, recipe]).map((r) => [r.key, r]))
    expect(byKey.get('schedule')?.display).toEqual(['constant', 'exponential (× 0.95 an epoch)'])
    expect(byKey.get('augmentation')?.display).toEqual(['none', 'rotation 10°'])
    expect(byKey.get('validation')?.differs).toBe(false)
    expect(byKey.get('selection')?.differs).toBe(true)
    expect(byKey.get('testAccuracy')).toMatchObject({ display: ['99.10%', '99.62%'], best: [1] })
  })

  it("follows each run's input and classes: a folder of colour shapes beside MNIST", () => {
    const shapes = runRecord(
      '3',
      'shapes',
      { dataset: { kind: 'folder', path: '/data/shapes' } },
      epochs([0.9]),
    )
    shapes.dataset = {
      ref: shapes.config.dataset,
      title: 'shapes (folder)',
      trainCount: 1200,
      testCount: 300,
      classNames: ['circle', 'square', 'triangle'],
      inputShape: [32, 32, 3],
    }
    const byKey = new Map(compareRows([fast, shapes]).map((r) => [r.key, r]))
    expect(byKey.get('input')).toMatchObject({
      display: ['28×28 grey · 10 classes', '32×32 RGB · 3 classes'],
      differs: true,
    })
    expect(byKey.get('architecture')?.display.map((text) => text.split(' → ').at(-1))).toEqual([
      'dense 10',
      'dense 3',
    ])
  })

  it('keeps only the differing rows when asked and says what differs', () => {
    const rows = compareRows([fast, slow])
    const keys = differingRows(rows).map((r) => r.key)
    expect(keys).toContain('learningRate')
    expect(keys).not.toContain('batchSize')
    expect(configDifference(rows)).toBe('Only the learning rate differs in the configuration.')
    const other = runRecord(
      '3',
      'big batch',
      { learningRate: 1e-3, batchSize: 200, optimizer: 'sgd' },
      epochs([0.5]),
    )
    expect(configDifference(compareRows([fast, other]))).toBe(
      'The configurations differ in batch size, epochs, optimizer and training images.',
    )
    expect(configDifference(compareRows([fast, fast]))).toBe('The configurations are the same.')
  })

  it('shows a dash for results a run does not have yet', () => {
    const fresh = runRecord('4', 'new', {}, [])
    const rows = compareRows([fast, fresh])
    expect(rows.find((r) => r.key === 'bestValAccuracy')).toMatchObject({
      display: ['95.00%', '—'],
      values: [0.95, null],
      best: [],
    })
  })
})

describe('compare rows context', () => {
  it('does not count the start time as a difference', () => {
    const a = runRecord('1', 'a', {}, epochs([0.5]))
    const b = { ...runRecord('2', 'b', {}, epochs([0.5])), createdAt: '2025-11-27T10:00:00.000Z' }
    expect(compareRows([a, b]).find((r) => r.key === 'createdAt')?.differs).toBe(false)
  })
})
