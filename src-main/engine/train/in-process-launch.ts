/**
 * A launcher that trains inside the calling process, speaking the same protocol as the real
 * training process. For tests of what sits above the process (the CLI, shells), where forking a
 * process per run would only cost time; it blocks the event loop between batches like any tfjs
 * code does, so it has no place in the app.
 */
import * as tf from '@tensorflow/tfjs-core'
import { UserError, errorMessage } from '../errors'
import type { LaunchTrainer } from './launch'
import type { TrainerToMain } from './protocol'
import { runTrainerSession } from './session'

export function inProcessTrainerLaunch(): LaunchTrainer {
  return () => {
    tf.env().set('PROD', true)
    const messageListeners: ((message: unknown) => void)[] = []
    const exitListeners: ((code: number | null) => void)[] = []
    let stopRequested = false
    let busy = false
    let exited = false
    // Delivered on later turns of the event loop, in order, as IPC would.
    const post = (message: TrainerToMain) => setImmediate(() => messageListeners.forEach((l) => l(message)))
    const exit = (code: number | null) =>
      setImmediate(() => {
        if (exited) return
        exited = true
        exitListeners.forEach((l) => l(code))
      })
    post({ type: 'ready', pid: process.pid })
    return {
      send: (message) => {
        if (message.type === 'stop') {
          stopRequested = true
          if (!busy) {
            post({ type: 'finished', status: 'stopped' })
            exit(0)
          }
          return
        }
        if (busy) return
        busy = true
        runTrainerSession({
          runId: message.runId,
          home: message.home,
          resume: message.type === 'resume',
          sampleIntervalMs: message.sampleIntervalMs,
          send: post,
          shouldStop: () => stopRequested,
        }).then(
          (status) => {
            post({ type: 'finished', status })
            exit(0)
          },
          (error: unknown) => {
            post({ type: 'failed', error: errorMessage(error), userError: error instanceof UserError })
            exit(1)
          },
        )
      },
      kill: () => {
        // Nothing to kill: stop at the next batch boundary and report an exit now.
        stopRequested = true
        exit(null)
      },
      onMessage: (listener) => {
        messageListeners.push(listener)
      },
      onExit: (listener) => {
        exitListeners.push(listener)
      },
    }
  }
}
