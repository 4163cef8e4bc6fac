// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import InputPicker from './InputPicker.vue'

enableAutoUnmount(afterEach)

const classNames = ['zero', 'one', 'two']
const mistakes = [
  { index: 40, label: 2, predicted: 1, confidence: 0.91 },
  { index: 7, label: 0, predicted: 2, confidence: 0.6 },
]

function picker(props: Partial<InstanceType<typeof InputPicker>['$props']> = {}) {
  return mount(InputPicker, {
    props: {
      classNames,
      testCount: 100,
      misclassified: null,
      evaluating: false,
      currentIndex: null,
      ...props,
    },
  })
}

describe('InputPicker', () => {
  it('steps through the test images within the test set', async () => {
    const view = picker()
    await view.get('button[role="radio"]:nth-child(2)').trigger('click')
    await view.get('[aria-label="Previous test image"]').trigger('click')
    await view.get('input[type="number"]').setValue(150)
    await view.get('[aria-label="Next test image"]').trigger('click')
    expect(view.emitted('inspect')).toEqual([
      [{ kind: 'test', index: 0 }],
      [{ kind: 'test', index: 99 }],
      [{ kind: 'test', index: 99 }],
    ])
    expect(view.get('label').text()).toBe('Test image index (0 to 99)')
  })

  it('goes round the mistakes, most confident first, and asks for an evaluation when there is none', async () => {
    const view = picker()
    await view.get('button[role="radio"]:nth-child(4)').trigger('click')
    await view.get('button.btn').trigger('click')
    expect(view.emitted('evaluate')).toHaveLength(1)

    await view.setProps({ misclassified: mistakes })
    expect(view.text()).toContain('Mistake 1 of 2, most confident first: a two taken for a one (91%).')
    await view.get('[aria-label="Previous mistake"]').trigger('click')
    await view.get('[aria-label="Next mistake"]').trigger('click')
    expect(view.emitted('inspect')).toEqual([[{ kind: 'test', index: 7 }], [{ kind: 'test', index: 40 }]])
  })

  it('asks for a random image of the chosen class, another one each time', async () => {
    const view = picker()
    await view.get('button[role="radio"]:nth-child(3)').trigger('click')
    await view.get('select').setValue('1')
    await view.get('button.btn').trigger('click')
    expect(view.emitted('inspect')).toEqual([
      [{ kind: 'random', label: 1, seed: 0 }],
      [{ kind: 'random', label: 1, seed: 1 }],
    ])
  })
})
