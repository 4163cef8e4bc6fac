import { describe, expect, it } from 'vitest'
import type { EpochMetrics } from '@common/contract'
import { csvField, metricsCsv } from './csv'

const epoch = (n: number): EpochMetrics => ({
  type: 'epoch',
  epoch: n,
  trainLoss: 0.5 / n,
  trainAccuracy: 0.9,
  valLoss: 0.25,
  valAccuracy: 0.95,
  samplesPerSec: 500,
  elapsedMs: 1000 * n,
  time: '2025-11-26T17:00:00.000Z',
})

describe('csv', () => {
  it('writes a header and one line an epoch, in epoch order', () => {
    expect(metricsCsv([epoch(2), epoch(1)])).toBe(
      'epoch,train_loss,train_accuracy,val_loss,val_accuracy,samples_per_sec,elapsed_ms,time\r\n' +
        '1,0.5,0.9,0.25,0.95,500,1000,2025-11-26T17:00:00.000Z\r\n' +
        '2,0.25,0.9,0.25,0.95,500,2000,2025-11-26T17:00:00.000Z\r\n',
    )
  })

  it('adds each class’s validation accuracy where epochs counted them, empty where not', () => {
    const counted = { ...epoch(2), valPerClass: { correct: [3, 0, 1], total: [4, 0, 2] } }
    const lines = metricsCsv([epoch(1), counted], ['cat', 'dog', 'a,b']).split('\r\n')
    expect(lines[0]).toBe(
      'epoch,train_loss,train_accuracy,val_loss,val_accuracy,samples_per_sec,elapsed_ms,time,' +
        'val_accuracy_cat,val_accuracy_dog,"val_accuracy_a,b"',
    )
    expect(lines[1]).toBe('1,0.5,0.9,0.25,0.95,500,1000,2025-11-26T17:00:00.000Z,,,')
    expect(lines[2]).toBe('2,0.25,0.9,0.25,0.95,500,2000,2025-11-26T17:00:00.000Z,0.75,,0.5')
    // A run whose epochs never counted keeps the columns it always had.
    expect(metricsCsv([epoch(1)], ['cat']).split('\r\n')[0]).not.toContain('cat')
  })

  it('quotes what needs quoting and leaves non-numbers empty', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField(Number.NaN)).toBe('')
    expect(csvField(null)).toBe('')
  })
})
