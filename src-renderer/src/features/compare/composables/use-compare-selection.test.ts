import { describe, expect, it } from 'vitest'
import type { RunListItem } from '@common/contract'
import { settingsSchema, type Settings } from '@common/schemas'
import { freshBridge, settle } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { runRecord } from '../../../lib/run-record.fixtures'

/** Fresh modules for each test: the settings and the run list are shared by the whole app. */
async function fresh(compareSelection: string[], runIds: string[]) {
  const bridge = await freshBridge()
  const saved: string[][] = []
  bridge.handle('settings.get', () => settingsSchema.parse({ compareSelection }))
  bridge.handle('settings.update', (input) => {
    saved.push([...((input as Partial<Settings>).compareSelection ?? [])])
    return settingsSchema.parse(input)
  })
  bridge.handle('runs.list', () =>
    runIds.map((id): RunListItem => ({ id, damaged: false, record: runRecord(id, id, {}, []) })),
  )
  const { useCompareSelection } = await import('./use-compare-selection')
  const { result, stop } = inScope(() => useCompareSelection())
  await settle()
  return { selection: result, stop, saved, bridge }
}

describe('useCompareSelection', () => {
  it('starts from the stored choice, without runs that were deleted, and stores that', async () => {
    const { selection, stop, saved } = await fresh(['a', 'gone', 'b'], ['a', 'b', 'c'])
    expect(selection.ready.value).toBe(true)
    expect(selection.selection.value).toEqual(['a', 'b'])
    await settle()
    expect(saved).toEqual([['a', 'b']])
    stop()
  })

  it('shows each click at once, saves in order, and stops at eight', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']
    const { selection, stop, saved } = await fresh([], ids)
    for (const id of ids) selection.toggle(id)
    expect(selection.selection.value).toEqual(ids.slice(0, 8))
    expect(selection.full.value).toBe(true)
    selection.toggle('c')
    expect(selection.selection.value).toEqual(['a', 'b', 'd', 'e', 'f', 'g', 'h'])
    await settle()
    await settle()
    // Clicks that a later one replaced before their turn are not worth saving.
    expect(saved.at(-1)).toEqual(['a', 'b', 'd', 'e', 'f', 'g', 'h'])
    expect(saved.length).toBeLessThan(9)
    stop()
  })

  it('says when the choice could not be saved', async () => {
    const { selection, stop, bridge } = await fresh([], ['a'])
    bridge.handle('settings.update', () => {
      throw new Error('The settings file is read-only.')
    })
    selection.toggle('a')
    await settle()
    expect(selection.error.value).toBe('The selection could not be saved: The settings file is read-only.')
    stop()
  })
})
