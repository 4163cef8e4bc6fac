import { shallowRef, watch, type Ref } from 'vue'
import type { Architecture } from '@common/schemas'
import { request } from '../../../api/client'
import { architectureKey } from '../lib/compare-runs'

/** Parameter counts already known, by architecture; they never change. */
const known = new Map<string, number | null>()
const counts = shallowRef<ReadonlyMap<string, number | null>>(known)

/**
 * The parameter count of every architecture in `architectures`, asked of the engine once each
 * (`model.summary` computes it without tfjs). `paramsOf` is null until known or if it failed.
 */
export function useCompareParams(architectures: Ref<readonly Architecture[]>) {
  watch(
    architectures,
    async (list) => {
      const missing = new Map<string, Architecture>()
      for (const a of list) {
        const key = architectureKey(a)
        if (!known.has(key)) missing.set(key, a)
      }
      if (missing.size === 0) return
      await Promise.all(
        [...missing].map(async ([key, architecture]) => {
          known.set(key, null)
          try {
            known.set(key, (await request('model.summary', { architecture })).totalParams)
          } catch {
            // A count is a nicety beside the results: the table shows a dash and the plot leaves it out.
            known.delete(key)
          }
        }),
      )
      counts.value = new Map(known)
    },
    { immediate: true },
  )
  const paramsOf = (architecture: Architecture): number | null =>
    counts.value.get(architectureKey(architecture)) ?? null
  return { counts, paramsOf }
}
