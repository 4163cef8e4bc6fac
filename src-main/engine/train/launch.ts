/**
 * How the main side starts a training process. The Electron shell supplies its own launcher
 * (utilityProcess); the CLI, the web shell and tests use `child_process.fork`.
 */
import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { Writable } from 'node:stream'
import { relaxedSimdExecArgv } from '../backend/wasm-kernels/simd/features'
import { DawnWarningFilter } from '../backend/webgpu/dawn-warnings'
import { resolveProcessEntry, type ProcessEntry } from '../process-entry'
import type { MainToTrainer } from './protocol'

/** A started training process, whatever started it. */
export interface TrainerProcess {
  send(message: MainToTrainer): void
  kill(): void
  /** Every message the process sends (validated by the receiver). */
  onMessage(listener: (message: unknown) => void): void
  /** Once, after the process ended and every message it sent was delivered. */
  onExit(listener: (code: number | null) => void): void
}

/** Starts one training process. */
export type LaunchTrainer = () => TrainerProcess

/** Where the training process's entry is, and the Node flags it needs. */
export type TrainerEntry = ProcessEntry

/** The training process's entry: `trainer-entry.ts` from source, `trainer.js` beside the bundle. */
export function resolveTrainerEntry(
  moduleUrl = import.meta.url,
  mainFile: string | undefined = typeof require === 'undefined' ? undefined : require.main?.filename,
): TrainerEntry {
  return resolveProcessEntry(moduleUrl, 'trainer-entry.ts', 'trainer.js', mainFile)
}

/**
 * Launches training processes with `child_process.fork`. What they print goes to `output` (our
 * stderr: nothing a trainer prints may mix into a command's --json output), without Dawn's warnings.
 */
export function forkTrainerLaunch(
  entry: TrainerEntry = resolveTrainerEntry(),
  output: Writable = process.stderr,
): LaunchTrainer {
  return () => {
    if (!existsSync(entry.path)) throw new Error(`The training process entry ${entry.path} is missing.`)
    // The wasm kernels' fused multiply-add needs a flag in Node 20; its replica threads share it.
    const child = fork(entry.path, [], {
      execArgv: [...relaxedSimdExecArgv(), ...entry.execArgv],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    })
    child.stdout?.pipe(output, { end: false })
    child.stderr?.pipe(new DawnWarningFilter()).pipe(output, { end: false })
    let exited = false
    const exitListeners: ((code: number | null) => void)[] = []
    const onEnd = (code: number | null) => {
      if (exited) return
      exited = true
      for (const listener of exitListeners) listener(code)
    }
    // 'close' comes after the last IPC message; 'error' when the process could not be spawned.
    child.on('close', (code) => onEnd(code))
    child.on('error', () => {
      if (child.exitCode === null && child.pid === undefined) onEnd(null)
    })
    return {
      send: (message) => {
        if (child.connected) child.send(message)
      },
      kill: () => {
        child.kill('SIGKILL')
      },
      onMessage: (listener) => {
        child.on('message', listener)
      },
      onExit: (listener) => {
        exitListeners.push(listener)
      },
    }
  }
}

/** The launcher for this runtime: fork, with the entry resolved as above. */
export function defaultTrainerLaunch(): LaunchTrainer {
  return forkTrainerLaunch()
}
