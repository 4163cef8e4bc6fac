import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { DownloadProgress } from '@common/contract'
import { throttleProgress } from './progress-throttle'

const report = (file: string, receivedBytes: number, totalBytes: number | null = 1000): DownloadProgress => ({
  dataset: { kind: 'mnist' },
  file,
  receivedBytes,
  totalBytes,
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('throttleProgress', () => {
  it('sends at most one report per file every 100 ms, the newest, and the final one at once', () => {
    const sent: DownloadProgress[] = []
    const throttle = throttleProgress((p) => sent.push(p))
    throttle.push(report('a', 0))
    for (let bytes = 10; bytes < 500; bytes += 10) throttle.push(report('a', bytes))
    expect(sent.map((p) => p.receivedBytes)).toEqual([0])
    vi.advanceTimersByTime(100)
    expect(sent.map((p) => p.receivedBytes)).toEqual([0, 490])
    throttle.push(report('a', 600))
    throttle.push(report('a', 1000))
    expect(sent.map((p) => p.receivedBytes)).toEqual([0, 490, 1000])
    vi.advanceTimersByTime(1000)
    expect(sent).toHaveLength(3)
  })

  it('throttles each file on its own', () => {
    const sent: DownloadProgress[] = []
    const throttle = throttleProgress((p) => sent.push(p))
    throttle.push(report('a', 1))
    throttle.push(report('b', 1))
    expect(sent.map((p) => p.file)).toEqual(['a', 'b'])
  })

  it('sends what is held back when flushed (totals unknown)', () => {
    const sent: DownloadProgress[] = []
    const throttle = throttleProgress((p) => sent.push(p))
    throttle.push(report('a', 1, null))
    throttle.push(report('a', 2, null))
    throttle.flush()
    expect(sent.map((p) => p.receivedBytes)).toEqual([1, 2])
    vi.advanceTimersByTime(1000)
    expect(sent).toHaveLength(2)
  })
})
