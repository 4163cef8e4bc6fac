/**
 * The training process's side of the protocol, whatever carries the messages: a child process
 * (trainer-entry.ts) or the calling process itself (in-process-launch.ts).
 */
import { adoptGpuAdapterAnswer } from '../backend/webgpu/adapter-answer'
import { UserError, errorMessage } from '../errors'
import type { MainToTrainer, TrainerToMain } from './protocol'
import { runTrainerSession } from './session'

export interface TrainerControlOptions {
  /** Carries a message of the session (started, progress, epoch) to the main side. */
  send: (message: TrainerToMain) => void
  /** Carries the last message (finished or failed) and then exits with `code`. */
  finish: (message: TrainerToMain, code: number) => void
}

export interface TrainerControl {
  /** Handles a message of the main side. */
  receive(message: MainToTrainer): void
  /** Makes a running session stop at its next batch boundary. */
  requestStop(): void
}

/**
 * The first start or resume runs the session, later ones are ignored; `stop` makes it stop at the
 * next batch boundary, or finishes at once when no session runs.
 */
export function createTrainerControl({ send, finish }: TrainerControlOptions): TrainerControl {
  let stopRequested = false
  let busy = false
  return {
    receive(message) {
      if (message.type === 'stop') {
        stopRequested = true
        if (!busy) finish({ type: 'finished', status: 'stopped' }, 0)
        return
      }
      if (busy) return
      busy = true
      if (message.gpuAdapter) adoptGpuAdapterAnswer(message.gpuAdapter)
      runTrainerSession({
        runId: message.runId,
        home: message.home,
        resume: message.type === 'resume',
        replicaStepTimeoutMs: message.replicaStepTimeoutMs,
        send,
        shouldStop: () => stopRequested,
      }).then(
        (status) => finish({ type: 'finished', status }, 0),
        (error: unknown) =>
          finish({ type: 'failed', error: errorMessage(error), userError: error instanceof UserError }, 1),
      )
    },
    requestStop() {
      stopRequested = true
    },
  }
}
