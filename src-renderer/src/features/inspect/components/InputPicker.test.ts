// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import DrawingPad from './DrawingPad.vue'
import InputPicker from './InputPicker.vue'

enableAutoUnmount(afterEach)

const classNames = ['zero', 'one', 'two']
const mistakes = [
  { index: 40, label: 2, predicted: 1, confidence: 0.91 },
  { index: 7, label: 0, predicted: 2, confidence: 0.6 },
]

/** A button by its text (the hidden drawing pad has one too). */
const button = (view: ReturnType<typeof picker>, text: string) =>
  view.findAll('button').find((b) => b.text() === text)!

/** Whether the drawing pad shows (it stays mounted, hidden, to keep its drawing). */
const padShows = (view: ReturnType<typeof picker>) =>
  !view.getComponent(DrawingPad).attributes('style')?.includes('display: none')

function picker(props: Partial<InstanceType<typeof InputPicker>['$props']> = {}) {
  return mount(InputPicker, {
    props: {
      classNames,
      testCount: 100,
      misclassified: null,
      evaluating: false,
      current: null,
      channels: 1,
      pictures: 'digit',
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
    await button(view, 'Evaluate test set').trigger('click')
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
    await button(view, 'Another one').trigger('click')
    expect(view.emitted('inspect')).toEqual([
      [{ kind: 'random', label: 3, seed: 0 }],
      [{ kind: 'random', label: 1, seed: 0 }],
      [{ kind: 'random', label: 1, seed: 1 }],
    ])
  })

  it('opens on the test image the network looks at, not on an empty drawing pad', () => {
    const view = picker({ current: { kind: 'test', index: 0 } })
    expect(view.get('[role="radio"][aria-checked="true"]').text()).toBe('Test image')
    expect((view.get('input[type="number"]').element as HTMLInputElement).value).toBe('0')
    expect(padShows(view)).toBe(false)
  })

  it('leaves the Draw tab when the network is shown a mistake from the gallery, and comes back to the drawing', async () => {
    const view = picker({ current: { kind: 'test', index: 0 }, misclassified: mistakes })
    await view.get('button[role="radio"]:nth-child(1)').trigger('click')
    expect(padShows(view)).toBe(true)
    expect(view.get('[data-testid="looking-at"]').text()).toBe('The network still looks at test image #0.')
    const three = { width: 1, height: 1, pixels: new Uint8Array([255]) }
    view.getComponent(DrawingPad).vm.$emit('drawn', three)
    const drawing = {
      kind: 'pixels',
      width: 1,
      height: 1,
      pixelsBase64: '/w==',
      preprocess: 'mnist',
    } as const
    expect(view.emitted('inspect')).toEqual([[drawing]])
    await view.setProps({ current: drawing })
    expect(view.find('[data-testid="looking-at"]').exists()).toBe(false)

    // The gallery's mistake: test image #7, the second mistake.
    await view.setProps({ current: { kind: 'test', index: 7 } })
    expect(view.get('[role="radio"][aria-checked="true"]').text()).toBe('Mistake')
    expect(view.text()).toContain('Mistake 2 of 2, most confident first: a zero taken for a two (60%).')
    expect(padShows(view)).toBe(false)

    // An image that is no mistake opens on the Test image tab, at its index.
    await view.setProps({ current: { kind: 'test', index: 12 } })
    expect(view.get('[role="radio"][aria-checked="true"]').text()).toBe('Test image')
    expect((view.get('input[type="number"]').element as HTMLInputElement).value).toBe('12')

    // Choosing Draw again shows the drawing to the network again.
    await view.get('button[role="radio"]:nth-child(1)').trigger('click')
    expect(view.emitted('inspect')?.at(-1)).toEqual([drawing])
  })

  it('offers no drawing pad for a colour input, starts on the test images, and sends a picked file whole', async () => {
    const view = picker({ channels: 3, pictures: 'file' })
    const sources = view.findAll('button[role="radio"]').map((b) => b.text())
    expect(sources).toEqual(['Test image', 'Random of class', 'Mistake', 'File'])
    expect(view.get('button[role="radio"][aria-checked="true"]').text()).toBe('Test image')
    expect(view.findComponent(DrawingPad).exists()).toBe(false)

    await view.get('button[role="radio"]:nth-child(4)').trigger('click')
    expect(view.text()).toContain('Resized, fitted and scaled exactly as the training images were.')
    const file = new File([Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2])], 'cat.png', { type: 'image/png' })
    const input = view.get('input[type="file"]')
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    await new Promise((resolve) => setTimeout(resolve, 0))
    const sent = { kind: 'file', bytesBase64: 'iVBORwEC' } as const
    expect(view.emitted('inspect')).toEqual([[sent]])

    // Back on the File tab after a test image, the file is shown to the network again.
    await view.get('button[role="radio"]:nth-child(1)').trigger('click')
    await view.setProps({ current: { kind: 'test', index: 0 } })
    await view.get('button[role="radio"]:nth-child(4)').trigger('click')
    expect(view.emitted('inspect')?.at(-1)).toEqual([sent])
  })

  it('keeps the drawing pad for a grey input', () => {
    const view = picker({ channels: 1, pictures: 'file' })
    expect(view.get('button[role="radio"]').text()).toBe('Draw')
    expect(view.findComponent(DrawingPad).exists()).toBe(true)
  })
})
