import { computed } from 'vue'
import { request } from '../api/client'
import { useAppInfo } from './use-app-info'

/**
 * The desktop app's native folder picker. `available` is true only in the Electron shell (a
 * browser cannot hand out a folder's path, so there the typed path field is the way).
 */
export function useFolderPicker() {
  const { info } = useAppInfo()
  const available = computed(() => info.value?.shell === 'electron')
  /** The chosen folder's path, or null when the dialog was cancelled. */
  async function choose(title: string): Promise<string | null> {
    return (await request('app.chooseFolder', { title })).path
  }
  return { available, choose }
}
