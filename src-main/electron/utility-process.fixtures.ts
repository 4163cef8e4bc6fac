/**
 * A stand-in for Electron's `utilityProcess` module, for tests on machines where Electron cannot
 * start: each fork is a real Node process running the real entry, with a utility process's
 * surface on both sides. The parent gets postMessage, 'message' (the message itself), 'exit'
 * (a code) and stdout/stderr pipes with `stdio: 'pipe'`; the child gets `process.parentPort` and
 * `process.versions.electron`, so code that asks "am I under Electron?" hears yes.
 */
import type { UtilityProcess } from 'electron'
import { fork } from 'node:child_process'
import { EventEmitter } from 'node:events'
import type { UtilityProcessModule } from './trainer-launcher'

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

/** A utilityProcess module whose forks are recorded in `forks`. */
export function utilityProcessStandIn(): { utility: UtilityProcessModule; forks: UtilityFork[] } {
  const forks: UtilityFork[] = []
  const utility: UtilityProcessModule = {
    fork(modulePath, args = [], options = {}) {
      const record: UtilityFork = { modulePath, serviceName: options.serviceName, posted: [] }
      forks.push(record)
      // From TypeScript source the entry needs tsx, where the app would fork its bundle.
      const execArgv = options.execArgv ?? (modulePath.endsWith('.ts') ? ['--import', 'tsx'] : [])
      const output = options.stdio === 'pipe' ? 'pipe' : 'inherit'
      const child = fork(modulePath, args, {
        execArgv: [...execArgv, '--import', UTILITY_PRELUDE],
        stdio: ['ignore', output, output, 'ipc'],
      })
      const utilityProcess = Object.assign(new EventEmitter(), {
        pid: child.pid,
        stdout: child.stdout,
        stderr: child.stderr,
        postMessage: (message: unknown) => {
          record.posted.push(message)
          child.send(message as object)
        },
        kill: () => child.kill(),
      })
      child.on('message', (message) => utilityProcess.emit('message', message))
      // 'close': after the last message and output, as the run manager's onExit expects.
      child.on('close', (code) => utilityProcess.emit('exit', code ?? 1))
      return utilityProcess as unknown as UtilityProcess
    },
  }
  return { utility, forks }
}
