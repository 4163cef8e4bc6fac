import { describe, expect, it } from 'vitest'
import { exportFileName, fileSafeName, keptCheckpoints } from './export-names'
import { runConfigSchema } from './schemas'
import type { RunRecord } from './run-record'

describe('exportFileName', () => {
  it('names every export the same way: the subject made safe, then what the file holds', () => {
    const name = 'Notebook / run #1'
    expect(exportFileName(name, { kind: 'metrics' })).toBe('Notebook-run-1-metrics.csv')
    expect(exportFileName(name, { kind: 'charts' })).toBe('Notebook-run-1-charts.png')
    expect(exportFileName(name, { kind: 'tfjs-model', epoch: 12 })).toBe('Notebook-run-1-epoch12.model.json')
    expect(exportFileName(name, { kind: 'tfjs-weights', epoch: 12 })).toBe(
      'Notebook-run-1-epoch12.weights.bin',
    )
    expect(exportFileName(name, { kind: 'onnx', epoch: 3 })).toBe('Notebook-run-1-epoch3.onnx')
    expect(exportFileName('a-vs-b', { kind: 'comparison' }, 'comparison')).toBe('a-vs-b-comparison.csv')
  })

  it('falls back when nothing of the subject is usable, and cuts a long one without a trailing dash', () => {
    expect(fileSafeName('///')).toBe('run')
    expect(exportFileName('///', { kind: 'charts' }, 'comparison')).toBe('comparison-charts.png')
    const long = fileSafeName(`${'a'.repeat(79)} b`)
    expect(long).toBe('a'.repeat(79))
  })
})

describe('keptCheckpoints', () => {
  const record = (keepBest: boolean, checkpointEpoch: number, bestEpoch: number) =>
    ({
      config: runConfigSchema.parse({ keepBest }),
      checkpointEpoch,
      summary: { bestEpoch },
    }) as unknown as RunRecord

  it('offers the best epoch only where the run keeps it apart from its latest', () => {
    expect(keptCheckpoints(record(true, 10, 7))).toEqual({ latest: 10, best: 7 })
    expect(keptCheckpoints(record(true, 10, 10))).toEqual({ latest: 10, best: null })
    expect(keptCheckpoints(record(false, 10, 7))).toEqual({ latest: 10, best: null })
    expect(keptCheckpoints(record(true, 0, 0))).toEqual({ latest: 0, best: null })
  })
})
