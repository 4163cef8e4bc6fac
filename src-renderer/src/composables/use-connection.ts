import { onScopeDispose, shallowRef } from 'vue'
import { onConnection } from '../api/client'

/** Whether live events reach the page; `lost` only after it had been up (not while first connecting). */
export function useConnection() {
  const connected = shallowRef(false)
  const lost = shallowRef(false)
  let wasUp = false
  const off = onConnection((up) => {
    connected.value = up
    if (up) wasUp = true
    lost.value = wasUp && !up
  })
  onScopeDispose(off)
  return { connected, lost }
}
