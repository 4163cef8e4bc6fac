// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { settingsSchema } from '@common/schemas'
import { freshBridge } from '../../api/testing'
import { sweepRecordFixture } from './sweep.fixtures'

enableAutoUnmount(afterEach)

/** The view on a fresh bridge, with the settings answered. */
async function view() {
  const bridge = await freshBridge()
  bridge.handle('settings.get', () => settingsSchema.parse({ defaults: { learningRate: 5e-4 } }))
  const { default: NewSweepView } = await import('./NewSweepView.vue')
  const wrapper = mount(NewSweepView, { attachTo: document.body })
  await flushPromises()
  const field = (label: string) => {
    const id = wrapper
      .findAll('label')
      .find((l) => l.text() === label)!
      .attributes('for')
    return wrapper.get(`#${id}`)
  }
  return { bridge, wrapper, field }
}

describe('NewSweepView', () => {
  it('names the key of a problem and starts the sweep the form shows', async () => {
    const { bridge, wrapper, field } = await view()
    await field('Max of setting 1').setValue('1e-5')
    expect(wrapper.get('[data-testid="sweep-form-error"]').text()).toBe(
      'parameters.learningRate.max must be above min.',
    )
    const start = wrapper.findAll('button').find((b) => b.text().includes('Start sweep'))!
    expect(start.attributes('disabled')).toBeDefined()
    await field('Max of setting 1').setValue('1e-2')
    await field('Training images').setValue('300')
    expect(wrapper.find('[data-testid="sweep-form-error"]').exists()).toBe(false)
    await wrapper.get('form').trigger('submit')
    const [sent] = bridge.requests('sweeps.start')
    expect(sent.input).toMatchObject({
      base: { learningRate: 5e-4, epochs: 3, trainLimit: 300 },
      method: 'tpe',
      parameters: { learningRate: { distribution: 'log_uniform', min: 1e-4, max: 1e-2 } },
      run_cap: 8,
    })
    await sent.answer(sweepRecordFixture([], { id: 'sweep-9' }))
    await flushPromises()
    expect(window.location.hash).toBe('#/sweeps/sweep-9')
  })

  it('fills the form from a YAML file, and says what is wrong with a bad one', async () => {
    const { wrapper, field } = await view()
    const input = wrapper.get('[data-testid="sweep-file"]')
    const choose = async (name: string, text: string) => {
      Object.defineProperty(input.element, 'files', { value: [new File([text], name)], configurable: true })
      await input.trigger('change')
      await flushPromises()
    }
    await choose(
      'lr.yaml',
      'base: { epochs: 2 }\nmethod: grid\nmetric: { name: val_loss, goal: minimize }\nparameters:\n  batchSize: { values: [32, 64] }\n',
    )
    expect(wrapper.text()).toContain('Filled in from lr.yaml.')
    expect((field('Values of setting 1').element as HTMLInputElement).value).toBe('32, 64')
    expect((field('Method').element as HTMLSelectElement).value).toBe('grid')
    await choose(
      'bad.yaml',
      'base: {}\nmethod: tpe\nmetric: { name: val_loss, goal: minimize }\nparameters: {}\n',
    )
    expect(wrapper.get('[role="alert"]').text()).toBe('bad.yaml: parameters must name at least one setting.')
  })
})
