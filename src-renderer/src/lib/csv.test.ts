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

  it('quotes what needs quoting and leaves non-numbers empty', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField(Number.NaN)).toBe('')
    expect(csvField(null)).toBe('')
  })
})
