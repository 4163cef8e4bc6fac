/**
 * What each message of a run's training process does on the main side: the next message to send
 * it, the record's new figures (written by the run's write queue), the events for the views.
 */
import type { BatchProgress, EmitEvent } from '@common/contract'
import { classCountOf, summarizeMetrics } from '@common/summary'
import type { TrainerProcess } from '../train/launch'
import type { TrainerToMain } from '../train/protocol'
import { MAX_BATCHES, type ActiveRun } from './active-run'

export interface TrainerMessageContext {
  emit: EmitEvent
  home: string
  /** How long a data-parallel replica waits for the others in one step; the trainer's default when absent. */
  replicaStepTimeoutMs?: number
}

/** Applies one message of `process`, the training process of `run`. */
export function applyTrainerMessage(
  run: ActiveRun,
  process: TrainerProcess,
  message: TrainerToMain,
  { emit, home, replicaStepTimeoutMs }: TrainerMessageContext,
): void {
  const id = run.record.id
  switch (message.type) {
    case 'ready':
      run.ready = true
      if (run.stopRequested) process.send({ type: 'stop' })
      // Absent settings stay undefined, which the trainer reads as its defaults.
      else process.send({ type: run.mode, runId: id, home, replicaStepTimeoutMs })
      return
    case 'started':
      run.started = true
      run.metrics = message.history
      run.update({
        backend: message.backend,
        dataset: message.dataset,
        checkpointEpoch: message.startEpoch - 1,
        summary: summarizeMetrics(
          message.history,
          run.record.config,
          null,
          message.dataset.classNames?.length,
        ),
      })
      void run.enqueue(() => run.lock.setChild(message.pid))
      emit('runs.changed', { runId: id })
      return
    case 'progress':
      return recordProgress(run, message.progress, emit)
    case 'epoch':
      run.metrics = [...run.metrics.filter((m) => m.epoch < message.metrics.epoch), message.metrics]
      run.update({
        checkpointEpoch: message.checkpointEpoch,
        summary: summarizeMetrics(run.metrics, run.record.config, null, classCountOf(run.record)),
      })
      emit('runs.epoch', {
        runId: id,
        metrics: message.metrics,
        epochs: message.epochs,
        etaMs: message.etaMs,
      })
      return
    case 'test':
      run.update({
        summary: summarizeMetrics(run.metrics, run.record.config, message.result, classCountOf(run.record)),
      })
      emit('runs.changed', { runId: id })
      return
    case 'finished':
      run.outcome = { status: message.status }
      return
    case 'failed':
      run.outcome = { status: 'failed', error: message.error }
      return
  }
}

/** Keeps a batch's figures for the live curve of the epoch in progress and tells the views. */
export function recordProgress(run: ActiveRun, progress: BatchProgress, emit: EmitEvent): void {
  const last = run.batches.at(-1)
  if (last && last.epoch !== progress.epoch) run.batches = []
  run.batches.push(progress)
  if (run.batches.length > MAX_BATCHES) run.batches.splice(0, run.batches.length - MAX_BATCHES)
  emit('runs.progress', progress)
}
