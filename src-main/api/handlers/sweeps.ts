import type { RequestHandlers } from '@common/contract'
import type { RunManager } from '../../engine/runs'
import type { SweepRunner } from '../../engine/sweeps/sweep-runner'

type SweepChannels =
  | 'sweeps.start'
  | 'sweeps.list'
  | 'sweeps.get'
  | 'sweeps.stop'
  | 'sweeps.resume'
  | 'sweeps.extend'
  | 'queue.list'
  | 'queue.move'
  | 'queue.cancel'

/** `sweeps.*` (the sweep runner of this process) and `queue.*` (the home's run queue). */
export function createSweepHandlers(
  runs: RunManager,
  sweeps: SweepRunner,
): Pick<RequestHandlers, SweepChannels> {
  return {
    'sweeps.start': async (config) => sweeps.start(config),
    'sweeps.list': async () => sweeps.list(),
    'sweeps.get': async ({ id }) => sweeps.get(id),
    'sweeps.stop': async ({ id }) => sweeps.stop(id),
    'sweeps.resume': async ({ id }) => sweeps.resume(id),
    'sweeps.extend': async ({ id, trial, epochs }) => sweeps.extend(id, trial, epochs),
    'queue.list': async () => runs.runQueue.list(),
    'queue.move': async ({ runId, place }) => runs.runQueue.move(runId, place),
    'queue.cancel': async ({ runId }) => runs.runQueue.cancel(runId),
  }
}
