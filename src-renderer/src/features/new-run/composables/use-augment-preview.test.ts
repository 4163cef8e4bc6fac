import { beforeEach, describe, expect, it } from 'vitest'
import { shallowRef } from 'vue'
import type { AugmentPreview } from '@common/contract'
import { installTestBridge, settle } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { useAugmentPreview, type AugmentQuestion } from './use-augment-preview'

const bridge = installTestBridge()
beforeEach(() => bridge.reset())

const rotate: AugmentQuestion = {
  dataset: { kind: 'mnist' },
  augmentation: { rotation: 10, zoom: 0, shift: 0, horizontalFlip: false },
  seed: 42,
}

function answer(label: number): AugmentPreview {
  return {
    rows: 1,
    cols: 1,
    channels: 1,
    indices: [0],
    labels: [label],
    originalsBase64: 'AA==',
    augmentedBase64: 'AA==',
  }
}

describe('useAugmentPreview', () => {
  it('asks for the latest augmentation once typing pauses, and shows only its answer', async () => {
    const question = shallowRef<AugmentQuestion | null>(rotate)
    const { result, stop } = inScope(() => useAugmentPreview(question, { delayMs: 0, count: 8 }))
    expect(result.pending.value).toBe(true)
    await settle()
    const zoom = { ...rotate, augmentation: { ...rotate.augmentation, zoom: 0.2 } }
    question.value = zoom
    await settle()
    await settle()
    const [first, second] = bridge.requests('datasets.augmentPreview')
    expect(first.input).toEqual({ ...rotate, count: 8 })
    expect(second.input).toEqual({ ...zoom, count: 8 })
    await second.answer(answer(2))
    await first.answer(answer(1))
    expect(result.preview.value?.labels).toEqual([2])
    expect(result.pending.value).toBe(false)
    // The same question rebuilt (another field of the form was edited) is not asked again.
    question.value = structuredClone(zoom)
    await settle()
    await settle()
    expect(bridge.pending).toEqual([])
    expect(result.pending.value).toBe(false)
    stop()
  })

  it('asks nothing while the fields have errors, and draws again with another seed on shuffle', async () => {
    const question = shallowRef<AugmentQuestion | null>(null)
    const { result, stop } = inScope(() => useAugmentPreview(question, { delayMs: 0 }))
    await settle()
    expect(bridge.pending).toEqual([])
    expect(result.pending.value).toBe(false)
    question.value = rotate
    await settle()
    await settle()
    await bridge.requests('datasets.augmentPreview')[0].answer(answer(3))
    result.shuffle()
    await settle()
    const [again] = bridge.requests('datasets.augmentPreview')
    expect(again.input.seed).toBe(43)
    await again.fail({ code: 'not_found', message: 'MNIST is not downloaded yet.' })
    expect(result.error.value).toBe('MNIST is not downloaded yet.')
    stop()
  })
})
