import { describe, expect, it } from 'vitest'
import { epochs, runRecord } from '../../../lib/run-record.fixtures'
import { compareWarnings } from './compare-warnings'

const run = (label: string, trainLimit: number | null, valAccuracies: number[]) => {
  const record = runRecord(label, label, { trainLimit, validationSplit: 0 }, epochs(valAccuracies))
  return { label, record: { ...record, dataset: { ...record.dataset!, trainCount: trainLimit ?? 60000 } } }
}

describe('compareWarnings', () => {
  it('says when the runs trained on different numbers of images an epoch', () => {
    expect(compareWarnings([run('full', null, [0.9]), run('small', 2000, [0.8])])).toEqual([
      'These runs trained on different numbers of images an epoch (full: 60,000; small: 2,000): an epoch of one is not an epoch of another, so compare them by wall time too.',
    ])
    expect(compareWarnings([run('a', null, [0.9]), run('b', null, [0.8])])).toEqual([])
  })

  it('names each run that diverged', () => {
    const warnings = compareWarnings([run('a', null, [0.9]), run('lr 10', null, [0.1, 0.1])])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^lr 10: Not learning: validation accuracy 10\.0% since epoch 1/)
  })
})
