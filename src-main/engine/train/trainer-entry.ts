/**
 * The entry of a run's training process (built to `out/main/trainer.js`). It is started by the
 * main side with `child_process.fork` (CLI, web shell, tests) or Electron's `utilityProcess.fork`
 * (the app), says `ready`, takes one start or resume message, trains, reports, and exits. It also
 * exits when its parent goes away; the run is then left `running` on disk with no live trainer,
 * which the run store reports as interrupted.
 */
import * as tf from '@tensorflow/tfjs-core'
import { errorMessage } from '../errors'
import { isMainToTrainer, type TrainerToMain } from './protocol'
import { createTrainerControl } from './trainer-control'

/** Electron's side of a utility process's port (absent under plain Node). */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

interface ParentChannel {
  send(message: TrainerToMain): Promise<void>
  onMessage(listener: (message: unknown) => void): void
}

function connectToParent(): ParentChannel {
  const port = (process as unknown as { parentPort?: ParentPort }).parentPort
  if (port) {
    return {
      send: async (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
    }
  }
  if (!process.send) throw new Error('The training process must be started with an IPC channel (fork).')
  process.on('disconnect', () => process.exit(0))
  return {
    send: (message) =>
      new Promise((resolve) => {
        if (!process.connected) return resolve()
        process.send!(message, undefined, undefined, () => resolve())
      }),
    onMessage: (listener) => process.on('message', listener),
  }
}

async function main(): Promise<void> {
  // Logging belongs to the main side; tfjs's hints about faster backends are not for the user.
  tf.env().set('PROD', true)
  // Ctrl-C in a terminal reaches the whole process group; the parent decides, and sends `stop`.
  process.on('SIGINT', () => undefined)
  const parent = connectToParent()
  const finish = async (message: TrainerToMain, code: number) => {
    await parent.send(message)
    // Give a utility process's port a moment to deliver the last message before leaving.
    setTimeout(() => process.exit(code), 50)
  }
  process.on('uncaughtException', (error) => {
    void finish({ type: 'failed', error: errorMessage(error), userError: false }, 1)
  })

  const control = createTrainerControl({
    send: (message) => void parent.send(message),
    finish: (message, code) => void finish(message, code),
  })
  parent.onMessage((message) => {
    if (isMainToTrainer(message)) control.receive(message)
  })
  await parent.send({ type: 'ready', pid: process.pid })
}

void main()
