// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import ExportMenu from './ExportMenu.vue'

enableAutoUnmount(afterEach)

const items = [
  { kind: 'csv', title: 'Metrics as CSV', detail: 'every epoch' },
  { kind: 'model', title: 'Model', detail: 'tfjs layers format', unavailable: 'No checkpoint yet' },
] as const

/** An export the test finishes when it likes. */
function pendingExport() {
  const made: string[] = []
  let finish!: (error?: Error) => void
  const run = (kind: string) =>
    new Promise<void>((resolve, reject) => {
      made.push(kind)
      finish = (error) => (error ? reject(error) : resolve())
    })
  return { made, run, finish: (error?: Error) => finish(error) }
}

/** The menu, opened, over the two items above. */
async function openMenu(run: (kind: string) => Promise<void>) {
  const menu = mount(ExportMenu, {
    props: { label: 'Export', menuLabel: 'Export run a', items, run },
    attachTo: document.body,
  })
  await menu.get('button').trigger('click')
  return menu
}

describe('ExportMenu', () => {
  it('offers the exports, says which cannot be made yet, and closes when one is done', async () => {
    const exporter = pendingExport()
    const menu = await openMenu(exporter.run)
    const [csv, model] = menu.findAll('[role="group"] button')
    expect(model.text()).toContain('No checkpoint yet')
    expect(model.attributes('disabled')).toBeDefined()

    await csv.trigger('click')
    expect(exporter.made).toEqual(['csv'])
    expect(csv.text()).toContain('preparing…')
    exporter.finish()
    await flushPromises()
    expect(menu.find('[role="group"]').exists()).toBe(false)
  })

  it('reports a failed export and stays open', async () => {
    const exporter = pendingExport()
    const menu = await openMenu(exporter.run)
    await menu.findAll('[role="group"] button')[0].trigger('click')
    exporter.finish(new Error('disk full'))
    await flushPromises()
    expect((menu.emitted('error')?.[0][0] as Error).message).toBe('disk full')
    expect(menu.find('[role="group"]').exists()).toBe(true)
  })

  it('closes on Escape and on a click outside it', async () => {
    const menu = await openMenu(async () => undefined)
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await flushPromises()
    expect(menu.find('[role="group"]').exists()).toBe(false)

    await menu.get('button').trigger('click')
    menu.get('[role="group"]').element.dispatchEvent(new Event('pointerdown', { bubbles: true }))
    await flushPromises()
    expect(menu.find('[role="group"]').exists()).toBe(true)
    document.body.dispatchEvent(new Event('pointerdown', { bubbles: true }))
    await flushPromises()
    expect(menu.find('[role="group"]').exists()).toBe(false)
  })
})
