import { describe, expect, it } from 'vitest'
import type { AppInfo } from '@common/contract'
import { freshBridge } from '../api/testing'

const info = (selected: 'wasm' | 'cpu'): AppInfo => ({
  name: 'CNN Workbench',
  version: '0.1.0',
  platform: 'linux',
  arch: 'x64',
  nodeVersion: '20.20.2',
  electronVersion: null,
  shell: 'web',
  home: '/tmp/home',
  backend: { preference: selected, selected, candidates: [] },
  machine: { cores: 2, memoryBytes: 8 * 1024 ** 3 },
})

describe('useAppInfo', () => {
  it('asks once for every user, and keeps the answer to the latest question', async () => {
    const bridge = await freshBridge()
    const { useAppInfo } = await import('./use-app-info')
    const first = useAppInfo()
    useAppInfo()
    expect(bridge.requests('app.info')).toHaveLength(1)

    // The backend preference changed; the first answer (slow: it probes the GPU) comes last.
    const reload = first.reload()
    const [slow, fresh] = bridge.requests('app.info')
    await fresh.answer(info('cpu'))
    await reload
    await slow.answer(info('wasm'))
    expect(first.info.value?.backend.selected).toBe('cpu')
    expect(first.error.value).toBe('')
  })

  it('says why the app could not be described', async () => {
    const bridge = await freshBridge()
    const { useAppInfo } = await import('./use-app-info')
    const { error } = useAppInfo()
    await bridge.requests('app.info')[0].fail({ code: 'internal', message: 'The backend probe crashed.' })
    expect(error.value).toBe('The backend probe crashed.')
  })
})
