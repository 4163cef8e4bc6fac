import { computed, reactive, ref, watch } from 'vue'
import type { Preset, RunConfig } from '@common/schemas'
import {
  applyPreset,
  BUILTIN_PRESETS,
  checkForm,
  defaultConfig,
  formFromConfig,
  matchesPreset,
  presetFromConfig,
  type FormContext,
  type PresetConfig,
  type RunForm,
} from '../lib/run-form'
import { loadStoredForm, storeForm } from '../lib/form-storage'
import { useSettings } from '../../../composables/use-settings'

// The form outlives its view, so leaving New run and coming back keeps what was typed, and it
// is stored, so a reload does too; only a window that never had one starts from the defaults.
const stored = loadStoredForm()
const form = reactive<RunForm>(stored ?? formFromConfig(defaultConfig()))
const initialised = ref(stored !== null)
const context = reactive<FormContext>({ trainCount: null, dataset: null })
watch(form, storeForm, { deep: true })

/**
 * The new-run form: its state, its check, and the presets (built in and the user's, which are
 * saved in the settings). Starts from the settings' defaults once they are loaded.
 */
export function useRunForm() {
  const { settings, update } = useSettings()
  const defaults = computed<PresetConfig>(() => settings.value?.defaults ?? {})

  watch(
    settings,
    (value) => {
      if (!value || initialised.value) return
      initialised.value = true
      Object.assign(form, formFromConfig(defaultConfig(value.defaults)))
    },
    { immediate: true },
  )

  const check = computed(() => checkForm(form, context))
  const presets = computed<{ preset: Preset; builtin: boolean; active: boolean }[]>(() => {
    const mine = settings.value?.presets ?? []
    return [
      ...BUILTIN_PRESETS.map((preset) => ({ preset, builtin: true })),
      ...mine.map((preset) => ({ preset, builtin: false })),
    ].map((entry) => ({ ...entry, active: matchesPreset(form, defaults.value, entry.preset.config) }))
  })

  function choosePreset(preset: Preset): void {
    Object.assign(form, applyPreset(form, defaults.value, preset.config))
  }

  /** Back to the defaults of the settings, keeping the data set; the name is cleared for a fresh one. */
  function resetToDefaults(): void {
    Object.assign(form, applyPreset(form, defaults.value, {}), { name: '' })
  }

  /** The form showing a recorded run's settings, data set included, under a fresh name. */
  function fromRun(config: RunConfig): void {
    initialised.value = true
    Object.assign(form, formFromConfig(config))
  }

  /** After a run started: the next one gets a fresh name, the settings stay. */
  function started(): void {
    form.name = ''
  }

  /** Save the form's training settings under a name (replacing a preset of that name). */
  async function savePreset(name: string): Promise<void> {
    const config = check.value.config
    if (!config) throw new Error('Fix the form before saving it as a preset.')
    const trimmed = name.trim()
    if (BUILTIN_PRESETS.some((p) => p.name.toLowerCase() === trimmed.toLowerCase())) {
      throw new Error(`“${trimmed}” is a built-in preset; pick another name.`)
    }
    const others = (settings.value?.presets ?? []).filter((p) => p.name !== trimmed)
    await update({ presets: [...others, { name: trimmed, config: presetFromConfig(config) }] })
  }

  async function deletePreset(name: string): Promise<void> {
    await update({ presets: (settings.value?.presets ?? []).filter((p) => p.name !== name) })
  }

  return {
    form,
    context,
    check,
    presets,
    choosePreset,
    resetToDefaults,
    fromRun,
    started,
    savePreset,
    deletePreset,
  }
}
