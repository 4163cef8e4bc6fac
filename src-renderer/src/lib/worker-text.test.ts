import { describe, expect, it } from 'vitest'
import { heartbeatAgo, workerPlaceText } from './worker-text'

describe('worker texts', () => {
  it('says where a run trains: on its worker, on a worker not yet known, or nothing for this machine', () => {
    expect(workerPlaceText({ remote: true, worker: { name: 'gpu-1', host: 'lab-7' } })).toBe(
      'on worker gpu-1 (lab-7)',
    )
    expect(workerPlaceText({ remote: true })).toBe('on a worker')
    expect(workerPlaceText({})).toBeNull()
  })

  it('says how long ago a heartbeat came in whole seconds, then minutes', () => {
    expect(heartbeatAgo(400)).toBe('just now')
    expect(heartbeatAgo(3400)).toBe('3 s ago')
    expect(heartbeatAgo(119_999)).toBe('119 s ago')
    expect(heartbeatAgo(180_000)).toBe('3 min ago')
  })
})
