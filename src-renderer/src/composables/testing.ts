/** Helpers for unit tests of composables. */
import { effectScope } from 'vue'

/**
 * Call a composable inside an effect scope, as a component's setup would: its watchers run and
 * its `onScopeDispose` cleanups wait for `stop` (the component unmounting).
 */
export function inScope<T>(setup: () => T): { result: T; stop: () => void } {
  const scope = effectScope()
  const result = scope.run(setup) as T
  return { result, stop: () => scope.stop() }
}
