// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import type { EpochMetrics } from '@common/contract'
import { epochs } from '../../../lib/run-record.fixtures'
import ClassAccuracyChart from './ClassAccuracyChart.vue'
import PerClassAccuracy from './PerClassAccuracy.vue'

enableAutoUnmount(afterEach)

// happy-dom has no canvas to draw on: the small charts themselves are drawn in the e2e run spec.
const global = { stubs: { ClassAccuracyChart: true } }

const CIFAR = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']

/** An epoch whose classes have `correct[k]` right of 100 images each. */
function counted(epoch: EpochMetrics, correct: number[]): EpochMetrics {
  return { ...epoch, valPerClass: { correct, total: correct.map(() => 100) } }
}

describe('PerClassAccuracy', () => {
  it('draws one small chart a class, marks the lowest, and says every latest figure in words', async () => {
    const [first, second] = epochs([0.5, 0.6])
    const view = mount(PerClassAccuracy, {
      props: {
        epochs: [counted(first, [60, 70, 40, 30, 50, 45, 60, 55, 65, 45])],
        classNames: CIFAR,
        totalEpochs: 5,
        onTestSet: false,
        revision: 1,
      },
      global,
    })
    const panels = view.findAll('[data-testid="per-class-panel"]')
    expect(panels.map((p) => p.find('.name').text())).toEqual(CIFAR)
    expect(panels[3].classes()).toContain('worst')
    expect(panels[3].text()).toContain('lowest')
    expect(panels[3].text()).toContain('30.0%')
    const charts = view.findAllComponents(ClassAccuracyChart)
    expect(charts[3].props()).toMatchObject({ label: 'cat: 30.00% after epoch 1, the lowest', worst: true })
    expect(charts[0].props()).toMatchObject({
      label: 'airplane: 60.00% after epoch 1',
      worst: false,
      floor: 0.3,
    })
    expect(view.get('h2').text()).toBe('Per-class validation accuracy')
    expect(view.get('#per-class-summary').text()).toBe(
      'After epoch 1: airplane 60.00%, automobile 70.00%, bird 40.00%, cat 30.00%, deer 50.00%, ' +
        'dog 45.00%, frog 60.00%, horse 55.00%, ship 65.00%, truck 45.00%. Lowest: cat, 30.00% (30 of 100).',
    )

    // The next epoch arrives live: the cat catches up and the bird is now the lowest.
    await view.setProps({
      epochs: [
        counted(first, [60, 70, 40, 30, 50, 45, 60, 55, 65, 45]),
        counted(second, [70, 75, 42, 80, 60, 50, 70, 66, 70, 50]),
      ],
      revision: 2,
    })
    const now = view.findAll('[data-testid="per-class-panel"]')
    expect(now.filter((p) => p.classes('worst')).map((p) => p.find('.name').text())).toEqual(['bird'])
    expect(view.get('#per-class-summary').text()).toContain('After epoch 2: airplane 70.00%')
    expect(view.get('#per-class-summary').text()).toContain('Lowest: bird, 42.00% (42 of 100).')
  })

  it('names a run validated on the test set so, and waits for the first epoch', () => {
    const view = mount(PerClassAccuracy, {
      props: { epochs: [], classNames: CIFAR, totalEpochs: 3, onTestSet: true, revision: 0 },
      global,
    })
    expect(view.get('h2').text()).toBe('Per-class validation accuracy (on the test set)')
    expect(view.findAll('[data-testid="per-class-panel"]')).toHaveLength(0)
    expect(view.text()).toContain('Shown when the first epoch has finished.')
    expect(view.get('#per-class-summary').text()).toBe('No epoch has finished yet.')
  })
})
