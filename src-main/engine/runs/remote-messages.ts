/**
 * What each event of a run that a worker trains does on the app's side, as trainer-messages.ts
 * does for a local trainer's messages: the record's new figures (written by the run's write
 * queue) and the events for the views. The run's files arrive before their `artifact` event
 * (remote-trainer.ts writes them), so the record never names a checkpoint its folder lacks.
 */
import type { EmitEvent } from '@common/contract'
import type { RemoteEvent } from '@common/remote-run'
import type { ActiveRun } from './active-run'
import { recordProgress } from './trainer-messages'

/** Applies one event of the worker training `run`. */
export function applyRemoteEvent(run: ActiveRun, event: RemoteEvent, emit: EmitEvent): void {
  const id = run.record.id
  switch (event.type) {
    case 'claimed':
      run.update({ worker: event.worker, status: 'running', queuePlace: undefined })
      emit('runs.status', { runId: id, status: 'running' })
      emit('runs.changed', { runId: id })
      return
    case 'record':
      run.started = run.started || event.backend !== null
      run.update({
        backend: event.backend ?? run.record.backend,
        // The worker's data set is its own copy (another path): the one chosen here stays recorded.
        dataset: run.record.dataset ?? event.dataset,
        summary: event.summary ?? run.record.summary,
      })
      emit('runs.changed', { runId: id })
      return
    case 'progress':
      return recordProgress(run, event.progress, emit)
    case 'epoch':
      run.metrics = [...run.metrics.filter((m) => m.epoch < event.metrics.epoch), event.metrics]
      emit('runs.epoch', { runId: id, metrics: event.metrics, epochs: event.epochs, etaMs: event.etaMs })
      return
    case 'artifact':
      run.update({ checkpointEpoch: event.checkpointEpoch })
      return
    case 'status':
      if (event.status === 'completed' || event.status === 'failed' || event.status === 'stopped') {
        run.outcome = { status: event.status, ...(event.error ? { error: event.error } : {}) }
      } else if (event.status === 'queued' || event.status === 'interrupted') {
        // Handed back by a worker that stops: it waits on the queue for the next one.
        run.update({ status: 'queued' })
        emit('runs.status', { runId: id, status: 'queued' })
      }
  }
}
