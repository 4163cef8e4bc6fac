import { onScopeDispose, shallowRef } from 'vue'
import type { QueueEntry } from '@common/contract'
import { onConnection, request, subscribe } from '../../../api/client'
import { errorText } from '../../../lib/errors'

/**
 * The home's run queue, next first, kept current by `queue.changed`; moving and cancelling
 * entries answer with the new queue, shown at once.
 */
export function useQueue() {
  const entries = shallowRef<QueueEntry[]>([])
  const error = shallowRef('')
  async function act(run: () => Promise<QueueEntry[]>): Promise<void> {
    try {
      entries.value = await run()
      error.value = ''
    } catch (e) {
      error.value = errorText(e)
    }
  }
  const reload = () => act(() => request('queue.list'))
  const offs = [
    subscribe('queue.changed', (event) => (entries.value = event.entries)),
    // Loads when the connection is up (at once in the desktop app), and again after it was lost.
    onConnection((up) => {
      if (up) void reload()
    }),
  ]
  onScopeDispose(() => offs.forEach((off) => off()))
  return {
    entries,
    error,
    reload,
    /** Put a queued run at `place` (1: next). */
    move: (runId: string, place: number) => act(() => request('queue.move', { runId, place })),
    /** Take a run out of the queue; it ends as stopped. */
    cancel: (runId: string) => act(() => request('queue.cancel', { runId })),
  }
}
