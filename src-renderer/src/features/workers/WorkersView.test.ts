// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import type { WorkerRow } from '@common/contract'
import { freshBridge } from '../../api/testing'
import { epochs, runRecord } from '../../lib/run-record.fixtures'

enableAutoUnmount(afterEach)
afterEach(() => vi.useRealTimers())

const worker = (over: Partial<WorkerRow> = {}): WorkerRow => ({
  id: 'w1',
  name: 'gpu-box',
  host: 'lab-7',
  pid: 42,
  backend: 'tensorflow-gpu',
  device: 'NVIDIA H200',
  runs: [],
  concurrency: 1,
  at: '2026-11-30T01:00:00.000Z',
  heartbeatAgeMs: 3200,
  ...over,
})

async function mountView() {
  const { default: WorkersView } = await import('./WorkersView.vue')
  const view = mount(WorkersView, { attachTo: document.body })
  await flushPromises()
  return view
}

describe('WorkersView', () => {
  it('says when no Redis server is set, and when none of its workers reported', async () => {
    const bridge = await freshBridge()
    bridge.handle('runs.list', () => [])
    let answer: { redis: string | null; workers: WorkerRow[] } = { redis: null, workers: [] }
    bridge.handle('workers.list', () => answer)
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const view = await mountView()
    expect(view.get('h2').text()).toBe('No Redis server is set')
    answer = { redis: 'redis://:***@queue.lan:6379', workers: [] }
    await vi.advanceTimersByTimeAsync(2000)
    await flushPromises()
    expect(view.get('h2').text()).toBe('No worker has reported')
    expect(view.text()).toContain('redis://:***@queue.lan:6379')
  })

  it('lists each worker with its run linked by name and its heartbeat, refreshed every 2 s', async () => {
    const bridge = await freshBridge()
    bridge.handle('runs.list', () => [
      { id: 'r1', damaged: false, record: runRecord('r1', 'Far run', { epochs: 2 }, epochs([0.9])) },
    ])
    let age = 3200
    bridge.handle('workers.list', () => ({
      redis: 'redis://queue.lan:6379',
      workers: [
        worker({ runs: ['r1'], heartbeatAgeMs: age }),
        worker({ id: 'w2', name: 'cpu-box', host: 'lab-8' }),
      ],
    }))
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const view = await mountView()
    const rows = view.findAll('[data-testid="worker-row"]')
    expect(rows.map((r) => r.findAll('td').map((td) => td.text()))).toEqual([
      ['gpu-box', 'lab-7', 'tensorflow-gpu', 'NVIDIA H200', 'Far run', '3 s ago'],
      ['cpu-box', 'lab-8', 'tensorflow-gpu', 'NVIDIA H200', 'idle', '3 s ago'],
    ])
    expect(rows[0].get('a').attributes('href')).toBe('#/runs/r1')
    age = 1200
    await vi.advanceTimersByTimeAsync(2000)
    await flushPromises()
    expect(view.get('[data-testid="worker-heartbeat"]').text()).toBe('1 s ago')
  })

  it('keeps polling after Redis did not answer, and says why meanwhile', async () => {
    const bridge = await freshBridge()
    bridge.handle('runs.list', () => [])
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const view = await mountView()
    await bridge.requests('workers.list')[0].fail({
      code: 'unavailable',
      message: 'Redis at redis://queue.lan:6379 did not answer: connect ECONNREFUSED.',
    })
    expect(view.get('[role="alert"]').text()).toContain('did not answer: connect ECONNREFUSED.')
    vi.advanceTimersByTime(2000)
    await bridge.requests('workers.list')[0].answer({ redis: 'redis://queue.lan:6379', workers: [worker()] })
    await flushPromises()
    expect(view.find('[role="alert"]').exists()).toBe(false)
    expect(view.findAll('[data-testid="worker-row"]')).toHaveLength(1)
  })
})
