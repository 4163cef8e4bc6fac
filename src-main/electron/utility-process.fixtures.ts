/**
 * A stand-in for Electron's `utilityProcess` module, for tests on machines where Electron cannot
 * start: each fork is a real Node process running the real entry, with a utility process's
 * surface on both sides. The parent gets postMessage, 'message' (the message itself), 'exit'
 * (a code) and stdout/stderr streams for the outputs set to 'pipe', which, as Electron's do, lose
 * their listeners at the exit (output still in flight then is dropped) and take no message once
 * the process has ended. The child gets `process.parentPort` and `process.versions.electron`, so
 * code that asks "am I under Electron?" hears yes.
 */
import type { UtilityProcess } from 'electron'
import { fork } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { PassThrough } from 'node:stream'
import type { UtilityProcessModule, UtilityStdio } from './trainer-launcher'

/** Runs in the child before its entry: what Electron gives a utility process. */
const UTILITY_PRELUDE = `data:text/javascript,${encodeURIComponent(`
  Object.defineProperty(process.versions, 'electron', { value: '0.0.0-stand-in', enumerable: true })
  process.parentPort = {
    on: (event, listener) => process.on(event, (data) => listener({ data })),
    postMessage: (message) => process.send(message),
  }
`)}`

/** One fork the stand-in made, and every message the parent posted to it. */
export interface UtilityFork {
  modulePath: string
  serviceName?: string
  posted: unknown[]
}

/** [stdout, stderr] as Electron reads its `stdio` option. */
function outputs(stdio: UtilityStdio = 'inherit'): ('pipe' | 'ignore' | 'inherit')[] {
  return typeof stdio === 'string' ? [stdio, stdio] : [stdio[1], stdio[2]]
}

/**
 * `source` delivered 500 ms late: Electron reads a utility process's pipes through sockets it opens
 * on the side, so output written just before the exit can arrive after it, and is then dropped.
 */
function late(source: NodeJS.ReadableStream): PassThrough {
  const delayed = new PassThrough()
  source.on('data', (chunk: Buffer) => setTimeout(() => delayed.write(chunk), 500))
  source.on('end', () => setTimeout(() => delayed.end(), 500))
  return delayed
}

/** A utilityProcess module whose forks are recorded in `forks`. */
export function utilityProcessStandIn(): { utility: UtilityProcessModule; forks: UtilityFork[] } {
  const forks: UtilityFork[] = []
  const utility: UtilityProcessModule = {
    fork(modulePath, args = [], options = {}) {
      const record: UtilityFork = { modulePath, serviceName: options.serviceName, posted: [] }
      forks.push(record)
      // From TypeScript source the entry needs tsx, where the app would fork its bundle.
      const execArgv = options.execArgv ?? (modulePath.endsWith('.ts') ? ['--import', 'tsx'] : [])
      const [out, err] = outputs(options.stdio)
      const child = fork(modulePath, args, {
        execArgv: [...execArgv, '--import', UTILITY_PRELUDE],
        stdio: ['ignore', out, err, 'ipc'],
      })
      const stdout = out === 'pipe' ? late(child.stdout!) : null
      const stderr = err === 'pipe' ? late(child.stderr!) : null
      let alive = true
      const utilityProcess = Object.assign(new EventEmitter(), {
        pid: child.pid,
        stdout,
        stderr,
        postMessage: (message: unknown) => {
          record.posted.push(message)
          if (alive) child.send(message as object)
        },
        kill: () => alive && child.kill(),
      })
      child.on('message', (message) => utilityProcess.emit('message', message))
      child.on('exit', (code, signal) => {
        alive = false
        utilityProcess.emit('exit', code ?? (signal ? 1 : 0))
        stdout?.removeAllListeners()
        stderr?.removeAllListeners()
      })
      return utilityProcess as unknown as UtilityProcess
    },
  }
  return { utility, forks }
}
