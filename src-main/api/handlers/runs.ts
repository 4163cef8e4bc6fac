import type { RequestHandlers } from '../contract'
import type { RunManager } from '../../engine/runs'

/** `runs.*`: starting, stopping, resuming, listing, reading, renaming and deleting runs. */
export function createRunHandlers(
  runs: RunManager,
): Pick<
  RequestHandlers,
  'runs.start' | 'runs.stop' | 'runs.resume' | 'runs.list' | 'runs.get' | 'runs.rename' | 'runs.delete'
> {
  return {
    'runs.start': async (config) => runs.start(config),
    'runs.stop': async ({ id }) => runs.stop(id),
    'runs.resume': async ({ id }) => runs.resume(id),
    'runs.list': async () => runs.list(),
    'runs.get': async ({ id }) => runs.get(id),
    'runs.rename': async ({ id, name }) => runs.rename(id, name),
    'runs.delete': async ({ id }) => runs.delete(id),
  }
}
