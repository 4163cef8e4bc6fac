import { describe, expect, it } from 'vitest'
import { comparisonMetricsCsv, comparisonTableCsv } from './compare-csv'
import { epochs, runRecord } from '../../../lib/run-record.fixtures'
import { compareRows } from './compare-rows'

const a = runRecord('a', 'lr 1e-3', { learningRate: 1e-3, epochs: 2 }, epochs([0.9, 0.95]))
const b = runRecord('b', 'lr, "slow"', { learningRate: 1e-4, epochs: 2 }, epochs([0.7]))

describe('comparison CSV', () => {
  it('has one column per run and raw values', () => {
    const csv = comparisonTableCsv(
      [
        { id: 'a', label: a.name },
        { id: 'b', label: b.name },
      ],
      compareRows([a, b]),
    )
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe('field,lr 1e-3,"lr, ""slow"""')
    expect(lines[1]).toBe('run id,a,b')
    expect(lines).toContain('Learning rate,0.001,0.0001')
    expect(lines).toContain('Best validation accuracy,0.95,0.7')
    expect(lines).toContain('Duration (ms),20000,10000')
    expect(csv.endsWith('\r\n')).toBe(true)
  })

  it('lists every epoch of every run in long format', () => {
    const csv = comparisonMetricsCsv([
      { id: 'a', label: 'lr 1e-3', metrics: epochs([0.9, 0.95]) },
      { id: 'b', label: 'lr 1e-4', metrics: epochs([0.7]) },
    ])
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toBe(
      'run_id,run_name,epoch,train_loss,train_accuracy,val_loss,val_accuracy,samples_per_sec,elapsed_ms',
    )
    expect(lines).toHaveLength(4)
    expect(lines[3]).toMatch(/^b,lr 1e-4,1,/)
  })
})
