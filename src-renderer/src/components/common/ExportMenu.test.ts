// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import ExportMenu from './ExportMenu.vue'

enableAutoUnmount(afterEach)

const items = [
  { kind: 'csv', title: 'Metrics as CSV', detail: 'every epoch' },
  { kind: 'model', title: 'Model', detail: 'tfjs layers format', unavailable: 'No checkpoint yet' },
  { kind: 'png', title: 'Charts as PNG', detail: 'loss and accuracy' },
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
    const [csv, model] = menu.findAll('[role="menuitem"]')
    expect(model.text()).toContain('No checkpoint yet')
    expect(model.attributes('aria-disabled')).toBe('true')
    await model.trigger('click')
    expect(exporter.made).toEqual([])

    await csv.trigger('click')
    expect(exporter.made).toEqual(['csv'])
    expect(csv.text()).toContain('preparing…')
    exporter.finish()
    await flushPromises()
    expect(menu.find('[role="menu"]').exists()).toBe(false)
  })

  it('reports a failed export and stays open', async () => {
    const exporter = pendingExport()
    const menu = await openMenu(exporter.run)
    await menu.findAll('[role="menuitem"]')[0].trigger('click')
    exporter.finish(new Error('disk full'))
    await flushPromises()
    expect((menu.emitted('error')?.[0][0] as Error).message).toBe('disk full')
    expect(menu.find('[role="menu"]').exists()).toBe(true)
  })

  it('is a menu for the keyboard: arrows, Home and End move, Escape closes and gives focus back', async () => {
    const exporter = pendingExport()
    const menu = await openMenu(exporter.run)
    const toggle = menu.get('button[aria-haspopup="menu"]')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    const entries = () => menu.findAll('[role="menuitem"]').map((e) => e.element)
    const key = (k: string) =>
      document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }))
    expect(document.activeElement).toBe(entries()[0])
    key('ArrowDown')
    expect(document.activeElement).toBe(entries()[1])
    key('ArrowDown')
    key('ArrowDown')
    expect(document.activeElement).toBe(entries()[0])
    key('ArrowUp')
    expect(document.activeElement).toBe(entries()[2])
    key('Home')
    expect(document.activeElement).toBe(entries()[0])
    key('End')
    expect(document.activeElement).toBe(entries()[2])
    key('Escape')
    await flushPromises()
    expect(menu.find('[role="menu"]').exists()).toBe(false)
    expect(document.activeElement).toBe(toggle.element)

    // The up arrow on the button opens the menu at its last entry.
    await toggle.trigger('keydown', { key: 'ArrowUp' })
    await flushPromises()
    expect(document.activeElement).toBe(entries()[2])
  })

  it('closes on Escape and on a click outside it', async () => {
    const menu = await openMenu(async () => undefined)
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await flushPromises()
    expect(menu.find('[role="menu"]').exists()).toBe(false)

    await menu.get('button').trigger('click')
    menu.get('[role="menu"]').element.dispatchEvent(new Event('pointerdown', { bubbles: true }))
    await flushPromises()
    expect(menu.find('[role="menu"]').exists()).toBe(true)
    document.body.dispatchEvent(new Event('pointerdown', { bubbles: true }))
    await flushPromises()
    expect(menu.find('[role="menu"]').exists()).toBe(false)
  })
})
