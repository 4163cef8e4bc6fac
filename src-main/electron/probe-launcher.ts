import { PassThrough } from 'node:stream'
import type { LaunchProbe } from '../engine/backend/webgpu/probe'
import type { UtilityProcessModule } from './trainer-launcher'

/**
 * Starts the GPU adapter probe (`out/main/gpu-probe.js`) as an Electron utility process: in the
 * packaged app the binary's RunAsNode fuse is off, so spawning process.execPath as Node would
 * start a second copy of the app instead. The probe posts its answer as a message, which is
 * passed on as the line a probe prints, and the process is ended once it has answered.
 * Electron drops a utility process's stream listeners at its exit, so the streams handed on are
 * our own, ended at the exit.
 */
export function utilityProbeLauncher(utility: UtilityProcessModule): LaunchProbe {
  return (entry) => {
    const child = utility.fork(entry.path, [], {
      serviceName: 'CNN Workbench GPU probe',
      stdio: ['ignore', 'ignore', 'pipe'],
      execArgv: entry.execArgv,
    })
    const stdout = new PassThrough()
    const stderr = new PassThrough()
    child.stderr?.on('data', (chunk: Buffer) => stderr.write(chunk))
    child.on('message', (answer: unknown) => {
      stdout.write(`${JSON.stringify(answer)}\n`)
      child.kill()
    })
    return {
      stdout,
      stderr,
      kill: () => void child.kill(),
      // A utility process has no signal to report: the probe's timer says when it stopped it.
      ended: new Promise((resolve) =>
        child.once('exit', (code) => {
          stdout.end()
          stderr.end()
          resolve({ code, signal: null })
        }),
      ),
    }
  }
}
