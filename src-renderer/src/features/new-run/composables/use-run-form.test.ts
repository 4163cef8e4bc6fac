// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { settingsSchema, type Settings } from '@common/schemas'
import { freshBridge, settle } from '../../../api/testing'
import { inScope } from '../../../composables/testing'
import { BUILTIN_PRESETS, defaultConfig } from '../lib/run-form'

/** Fresh modules for each test: the form and the settings outlive the view. */
async function fresh(settings: Partial<Settings> = {}) {
  const bridge = await freshBridge()
  const saved: Settings[] = []
  bridge.handle('settings.get', () => settingsSchema.parse(settings))
  bridge.handle('settings.update', (input) => {
    saved.push(settingsSchema.parse(input))
    return saved.at(-1)!
  })
  const { useRunForm } = await import('./use-run-form')
  return { useRunForm, saved }
}

// The stored form is the window's; each test starts with a window that never had one.
beforeEach(() => localStorage.clear())

describe('useRunForm', () => {
  it('starts from the settings’ defaults, and keeps what was typed when the view comes back', async () => {
    const { useRunForm } = await fresh({ defaults: { epochs: 7, learningRate: 0.001 } })
    const first = inScope(() => useRunForm())
    await settle()
    expect(first.result.form).toMatchObject({ epochs: '7', learningRate: '1e-3', batchSize: '100' })
    first.result.form.name = 'mine'
    first.stop()
    const again = inScope(() => useRunForm())
    expect(again.result.form).toMatchObject({ name: 'mine', epochs: '7' })
    expect(again.result.check.value.config).toMatchObject({ name: 'mine', epochs: 7, learningRate: 0.001 })
    again.stop()
  })

  it('shows which preset the form matches and applies one over the defaults', async () => {
    const { useRunForm } = await fresh({
      defaults: { batchSize: 64 },
      presets: [{ name: 'Long', config: { epochs: 200 } }],
    })
    const { result, stop } = inScope(() => useRunForm())
    await settle()
    const active = () => result.presets.value.filter((p) => p.active).map((p) => p.preset.name)
    expect(result.presets.value.map((p) => [p.preset.name, p.builtin])).toEqual([
      ['Notebook', true],
      ['Quick look', true],
      ['Best accuracy', true],
      ['Long', false],
    ])
    result.choosePreset(result.presets.value[3].preset)
    expect(result.form).toMatchObject({ epochs: '200', batchSize: '64' })
    expect(active()).toEqual(['Long'])
    result.form.epochs = '3'
    expect(active()).toEqual([])
    result.form.name = 'taken'
    result.resetToDefaults()
    expect(result.form).toMatchObject({ epochs: '50', batchSize: '64', name: '' })
    stop()
  })

  it('comes back after a reload as it was left, not as the defaults', async () => {
    const before = await fresh({ defaults: { epochs: 7 } })
    const first = inScope(() => before.useRunForm())
    await settle()
    first.result.choosePreset(first.result.presets.value[2].preset)
    first.result.form.epochs = '12'
    first.result.form.augmentation.rotation = '15'
    first.result.form.name = 'half typed'
    await settle()
    first.stop()

    const after = await fresh({ defaults: { epochs: 7 } })
    const again = inScope(() => after.useRunForm())
    await settle()
    expect(again.result.form).toMatchObject({ epochs: '12', name: 'half typed', batchSize: '128' })
    expect(again.result.form.augmentation.rotation).toBe('15')
    expect(again.result.form.schedule.kind).toBe('one-cycle')
    again.stop()
  })

  it('starts from the defaults when the stored form does not fit', async () => {
    localStorage.setItem('cnn-workbench:new-run-form', '{"epochs": 3')
    const { useRunForm } = await fresh({ defaults: { epochs: 7 } })
    const { result, stop } = inScope(() => useRunForm())
    await settle()
    expect(result.form.epochs).toBe('7')
    stop()
  })

  it('opens a recorded run’s settings, and gives the next run a fresh name', async () => {
    const { useRunForm } = await fresh({ defaults: { epochs: 7 } })
    const { result, stop } = inScope(() => useRunForm())
    await settle()
    result.fromRun(defaultConfig({ ...BUILTIN_PRESETS[2].config, dataset: { kind: 'fashion-mnist' } }))
    expect(result.form).toMatchObject({ name: '', epochs: '20', dataset: { kind: 'fashion-mnist' } })
    expect(result.presets.value.find((p) => p.active)?.preset.name).toBe('Best accuracy')
    result.form.name = 'first'
    result.started()
    expect(result.form).toMatchObject({ name: '', epochs: '20' })
    stop()
  })

  it('saves the form as a preset, refusing a built-in name or a form with errors', async () => {
    const { useRunForm, saved } = await fresh()
    const { result, stop } = inScope(() => useRunForm())
    await settle()
    await expect(result.savePreset(' notebook ')).rejects.toThrow(
      '“notebook” is a built-in preset; pick another name.',
    )
    result.form.epochs = '12'
    await result.savePreset(' Twelve ')
    expect(saved.at(-1)?.presets).toEqual([
      { name: 'Twelve', config: expect.objectContaining({ epochs: 12 }) },
    ])
    await result.deletePreset('Twelve')
    expect(saved.at(-1)?.presets).toEqual([])
    result.form.epochs = '0'
    await expect(result.savePreset('Broken')).rejects.toThrow('Fix the form before saving it as a preset.')
    stop()
  })
})
