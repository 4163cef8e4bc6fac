import { computed, type ComputedRef } from 'vue'
import { defaultMaxTrainers } from '@common/limits'
import { useAppInfo } from './use-app-info'
import { useSettings } from './use-settings'

/**
 * How many runs of this home train at once: the setting, or the default the main side draws from
 * this machine's cores and memory (the same arithmetic). 1 until both are known.
 */
export function useTrainerCap(): ComputedRef<number> {
  const { settings } = useSettings()
  const { info } = useAppInfo()
  return computed(() => {
    const machine = info.value?.machine
    const fallback = machine ? defaultMaxTrainers(machine.cores, machine.memoryBytes) : 1
    return settings.value?.maxTrainers ?? fallback
  })
}
