import type { RequestHandlers } from '@common/contract'
import { UserError } from '../../engine/errors'

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
 * `sweeps.*` and `queue.*`. The contract lands first so that the views can be built against it;
 * until the engine's sweep runner and persistent queue are wired in, each answers 'unavailable'.
 */
export function createSweepHandlers(): Pick<RequestHandlers, SweepChannels> {
  const notYet = async (): Promise<never> => {
    throw new UserError('Sweeps and the run queue are not wired into this build yet.', 'unavailable')
  }
  return {
    'sweeps.start': notYet,
    'sweeps.list': notYet,
    'sweeps.get': notYet,
    'sweeps.stop': notYet,
    'sweeps.resume': notYet,
    'sweeps.extend': notYet,
    'queue.list': notYet,
    'queue.move': notYet,
    'queue.cancel': notYet,
  }
}
