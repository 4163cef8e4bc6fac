import type { RequestHandlers } from '@common/contract'
import { version } from '../../../package.json'
import { exportModel, exportOnnx, type RunManager } from '../../engine/runs'

/** `runs.*`: starting, stopping, resuming, listing, reading, renaming and deleting runs. */
export function createRunHandlers(
  runs: RunManager,
  home: string,
): Pick<
  RequestHandlers,
  | 'runs.start'
  | 'runs.stop'
  | 'runs.resume'
  | 'runs.list'
  | 'runs.get'
  | 'runs.rename'
  | 'runs.update'
  | 'runs.delete'
  | 'runs.exportModel'
  | 'runs.exportOnnx'
> {
  return {
    'runs.start': async (config) => runs.start(config),
    'runs.stop': async ({ id }) => runs.stop(id),
    'runs.resume': async ({ id }) => runs.resume(id),
    'runs.list': async () => runs.list(),
    'runs.get': async ({ id, batches }) => runs.get(id, { batches }),
    'runs.rename': async ({ id, name }) => runs.rename(id, name),
    'runs.update': async ({ id, ...change }) => runs.updateNotes(id, change),
    'runs.delete': async ({ id }) => runs.delete(id),
    'runs.exportModel': async ({ id, epoch }) => exportModel(home, id, epoch),
    'runs.exportOnnx': async ({ id, epoch }) => exportOnnx(home, id, version, epoch),
  }
}
