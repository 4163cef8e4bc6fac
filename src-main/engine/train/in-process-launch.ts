/**
 * A launcher that trains inside the calling process, speaking the same protocol as the real
 * training process. For tests of what sits above the process (the CLI, shells), where forking a
 * process per run would only cost time; it blocks the event loop between batches like any tfjs
 * code does, so it has no place in the app.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { LaunchTrainer } from './launch'
import type { TrainerToMain } from './protocol'
import { createTrainerControl } from './trainer-control'

/** Starts "training processes" that train inside this process (tests only). */
export function inProcessTrainerLaunch(): LaunchTrainer {
  return () => {
    tf.env().set('PROD', true)
    const messageListeners: ((message: unknown) => void)[] = []
    const exitListeners: ((code: number | null) => void)[] = []
    let exited = false
    // Delivered on later turns of the event loop, in order, as IPC would.
    const post = (message: TrainerToMain) => setImmediate(() => messageListeners.forEach((l) => l(message)))
    const exit = (code: number | null) =>
      setImmediate(() => {
        if (exited) return
        exited = true
        exitListeners.forEach((l) => l(code))
      })
    const control = createTrainerControl({
      send: post,
      finish: (message, code) => {
        post(message)
        exit(code)
      },
    })
    post({ type: 'ready', pid: process.pid })
    return {
      send: (message) => control.receive(message),
      kill: () => {
        // Nothing to kill: stop at the next batch boundary and report an exit now.
        control.requestStop()
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
