import type { RequestHandlers } from '@common/contract'
import { UserError } from '../../engine/errors'
import type { RunManager } from '../../engine/runs'

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

/**
 * `sweeps.*` and `queue.*`. The sweep channels answer 'unavailable' until the engine's sweep
 * runner is wired in (the next commits); the queue's are the run manager's.
 */
export function createSweepHandlers(runs: RunManager): Pick<RequestHandlers, SweepChannels> {
  const notYet = async (): Promise<never> => {
    throw new UserError('Sweeps are not wired into this build yet.', 'unavailable')
  }
  return {
    'sweeps.start': notYet,
    'sweeps.list': notYet,
    'sweeps.get': notYet,
    'sweeps.stop': notYet,
    'sweeps.resume': notYet,
    'sweeps.extend': notYet,
    'queue.list': async () => runs.queueList(),
    'queue.move': async ({ runId, place }) => runs.queueMove(runId, place),
    'queue.cancel': async ({ runId }) => runs.queueCancel(runId),
  }
}
