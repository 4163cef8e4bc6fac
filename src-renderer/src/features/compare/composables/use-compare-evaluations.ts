import { onScopeDispose, shallowRef } from 'vue'
import type { EvaluationResult } from '@common/contract'
import { request, subscribe } from '../../../api/client'
import { errorText } from '../../../lib/errors'

export type EvaluationState =
  | { status: 'running'; done: number; total: number }
  | { status: 'done'; result: EvaluationResult }
  | { status: 'failed'; error: string }

/** Results already computed, by run and checkpoint: a run's weights do not change after that. */
const cache = new Map<string, EvaluationResult>()
const cacheKey = (runId: string, checkpointEpoch: number) => `${runId}@${checkpointEpoch}`

/**
 * Test-set evaluations (confusion matrices) of runs, computed only when asked: one takes a few
 * seconds, so they run one after another, with progress from `inspect.progress`. A result is
 * kept for the page's life, per run and checkpoint.
 */
export function useCompareEvaluations() {
  const states = shallowRef<ReadonlyMap<string, EvaluationState>>(new Map())
  let queue: Promise<void> = Promise.resolve()

  function setState(runId: string, state: EvaluationState | null): void {
    const next = new Map(states.value)
    if (state) next.set(runId, state)
    else next.delete(runId)
    states.value = next
  }

  /** Show what is already known for these runs without computing anything. */
  function restore(runs: readonly { id: string; checkpointEpoch: number }[]): void {
    for (const run of runs) {
      const result = cache.get(cacheKey(run.id, run.checkpointEpoch))
      const state = states.value.get(run.id)
      if (result && state?.status !== 'done') setState(run.id, { status: 'done', result })
      else if (!result && state?.status === 'done' && state.result.checkpointEpoch !== run.checkpointEpoch)
        setState(run.id, null)
    }
  }

  /** Evaluate the runs not yet evaluated at their current checkpoint, in order. */
  function evaluate(runs: readonly { id: string; checkpointEpoch: number }[]): void {
    for (const run of runs) {
      const key = cacheKey(run.id, run.checkpointEpoch)
      const cached = cache.get(key)
      if (cached) {
        setState(run.id, { status: 'done', result: cached })
        continue
      }
      if (states.value.get(run.id)?.status === 'running') continue
      setState(run.id, { status: 'running', done: 0, total: 0 })
      queue = queue.then(async () => {
        try {
          const result = await request('inspect.evaluate', { runId: run.id })
          cache.set(cacheKey(run.id, result.checkpointEpoch), result)
          setState(run.id, { status: 'done', result })
        } catch (e) {
          setState(run.id, { status: 'failed', error: errorText(e) })
        }
      })
    }
  }

  const off = subscribe('inspect.progress', ({ runId, done, total }) => {
    if (states.value.get(runId)?.status === 'running') setState(runId, { status: 'running', done, total })
  })
  onScopeDispose(off)

  return { states, evaluate, restore }
}
