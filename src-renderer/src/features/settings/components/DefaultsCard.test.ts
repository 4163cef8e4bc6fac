// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import type { RunDefaults } from '../lib/defaults-form'
import DefaultsCard from './DefaultsCard.vue'
import { fieldByLabel } from '../field-by-label.fixtures'

enableAutoUnmount(afterEach)

/** The card over stored `defaults`; each save is stored and shown, as the settings view does. */
function card(defaults: RunDefaults) {
  const saved: RunDefaults[] = []
  const view = mount(DefaultsCard, {
    props: {
      defaults,
      save: async (next: RunDefaults) => {
        saved.push(next)
        await view.setProps({ defaults: next })
      },
    },
  })
  const field = (label: string) => fieldByLabel(view, label)
  return { view, saved, field }
}

describe('DefaultsCard', () => {
  it('shows the stored defaults, and the notebook’s value where none is stored', () => {
    const { field } = card({ epochs: 7 })
    expect((field('Epochs').element as HTMLInputElement).value).toBe('7')
    expect(field('Batch size').attributes('placeholder')).toBe('100')
    expect(field('Learning rate').attributes('placeholder')).toBe('1e-4')
  })

  it('saves a field when it is left, and drops a default that is emptied', async () => {
    const { field, saved } = card({ epochs: 7 })
    await field('Learning rate').setValue('5e-4')
    expect(saved).toEqual([{ epochs: 7, learningRate: 5e-4 }])
    await field('Epochs').setValue('')
    expect(saved.at(-1)).toEqual({ learningRate: 5e-4 })
    expect((field('Learning rate').element as HTMLInputElement).value).toBe('5e-4')
  })

  it('keeps every edit made while an earlier save is still on its way', async () => {
    /** Each save's landing: the stored settings then become what it sent. */
    const landings: (() => void)[] = []
    const view = mount(DefaultsCard, {
      props: {
        defaults: {},
        save: (next: RunDefaults) =>
          new Promise<void>((resolve) => {
            landings.push(() => void view.setProps({ defaults: next }).then(resolve))
          }),
      },
    })
    const inputs = view.findAll('input')
    await inputs[0].setValue('7')
    await inputs[1].setValue('64')
    // The first save (epochs only) lands while the second is on its way.
    landings[0]()
    await flushPromises()
    expect((inputs[1].element as HTMLInputElement).value).toBe('64')
    landings[1]()
    await flushPromises()
    expect((inputs[0].element as HTMLInputElement).value).toBe('7')
    expect((inputs[1].element as HTMLInputElement).value).toBe('64')
  })

  it('names a value outside the run limits and saves nothing', async () => {
    const { view, field, saved } = card({})
    await field('Batch size').setValue('5000')
    expect(view.text()).toContain('Batch size must be a whole number from 1 to 4,096, or empty.')
    expect(field('Batch size').attributes('aria-invalid')).toBe('true')
    expect(saved).toEqual([])
  })
})
