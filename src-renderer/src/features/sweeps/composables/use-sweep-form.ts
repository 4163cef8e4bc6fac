import { computed, reactive, shallowRef } from 'vue'
import { BUILTIN_PRESETS } from '@common/presets'
import type { SweepConfigInput } from '@common/sweep'
import { request } from '../../../api/client'
import { useSettings } from '../../../composables/use-settings'
import {
  checkSweepConfig,
  checkSweepForm,
  emptySweepForm,
  formFromConfig,
  parseSweepFile,
  type BaseContext,
  type SweepForm,
} from '../lib/sweep-form'

// The form outlives its view, so leaving New sweep and coming back keeps what was typed.
const form = reactive<SweepForm>(emptySweepForm())
/** The base of the last imported file, which the form's base can be. */
const fileBase = shallowRef<SweepConfigInput['base'] | null>(null)

/**
 * The new-sweep form: its state, its check (by the contract's schema), file import and start.
 * The base comes from the settings' defaults, a preset (built in or the user's) or a file.
 */
export function useSweepForm() {
  const { settings } = useSettings()
  const context = computed<BaseContext>(() => ({
    defaults: settings.value?.defaults ?? {},
    presets: settings.value?.presets ?? [],
    fileBase: fileBase.value,
  }))
  const check = computed(() => checkSweepForm(form, context.value))
  const presetNames = computed(() => [...BUILTIN_PRESETS, ...context.value.presets].map((p) => p.name))

  /** Fill the form from a JSON or YAML file; throws the sentence that says what is wrong with it. */
  async function importFile(file: File): Promise<void> {
    const parsed = parseSweepFile(await file.text(), file.name)
    const { config, error } = checkSweepConfig(parsed)
    if (!config) throw new Error(`${file.name}: ${error.message}`)
    fileBase.value = (parsed as SweepConfigInput).base
    Object.assign(form, formFromConfig(config))
  }

  /** Start the sweep the form describes; resolves with its id. */
  async function start(): Promise<string> {
    const { config, error } = check.value
    if (!config) throw new Error(error.message)
    const record = await request('sweeps.start', config)
    return record.id
  }

  function reset(): void {
    Object.assign(form, emptySweepForm())
  }

  return {
    form,
    check,
    presetNames,
    hasFile: computed(() => fileBase.value !== null),
    importFile,
    start,
    reset,
  }
}
