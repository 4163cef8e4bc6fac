import { describe, expect, it } from 'vitest'
import { nextTick, shallowRef } from 'vue'
import { installTestBridge } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { useDecodeProgress } from './use-decode-progress'

const bridge = installTestBridge()
const event = (path: string, done: number, total = 3000, skipped = 0) => ({
  dataset: { kind: 'folder' as const, path },
  done,
  total,
  skipped,
})

describe('useDecodeProgress', () => {
  it("follows its folder's decoding only, ends with the last image, and stops listening when disposed", async () => {
    const path = shallowRef<string | null>('/data/shapes')
    const { result, stop } = inScope(() => useDecodeProgress(path))
    expect(result.progress.value).toBeNull()
    bridge.emit('datasets.decoding', event('/data/other', 10))
    expect(result.progress.value).toBeNull()
    bridge.emit('datasets.decoding', event('/data/shapes', 1200, 3000, 1))
    expect(result.progress.value).toMatchObject({ done: 1200, skipped: 1 })
    bridge.emit('datasets.decoding', event('/data/shapes', 3000))
    expect(result.progress.value).toBeNull()

    // Another folder chosen: the old one's bar goes.
    bridge.emit('datasets.decoding', event('/data/shapes', 5))
    expect(result.progress.value).not.toBeNull()
    path.value = '/data/cifar'
    await nextTick()
    expect(result.progress.value).toBeNull()
    expect(bridge.listenerCount('datasets.decoding')).toBe(1)
    stop()
    expect(bridge.listenerCount('datasets.decoding')).toBe(0)
  })
})
