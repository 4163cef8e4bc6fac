import type { LaunchProbe } from '../engine/backend/webgpu/probe'
import type { UtilityProcessModule } from './trainer-launcher'

/**
 * Starts the GPU adapter probe (`out/main/gpu-probe.js`) as an Electron utility process: in the
 * packaged app the binary's RunAsNode fuse is off, so spawning process.execPath as Node would
 * start a second copy of the app instead.
 */
export function utilityProbeLauncher(utility: UtilityProcessModule): LaunchProbe {
  return (entry) => {
    const child = utility.fork(entry.path, [], {
      serviceName: 'CNN Workbench GPU probe',
      stdio: 'pipe',
      execArgv: entry.execArgv,
    })
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      kill: () => void child.kill(),
      // A utility process has no signal to report: the probe's timer says when it stopped it.
      ended: new Promise((resolve) => child.once('exit', (code) => resolve({ code, signal: null }))),
    }
  }
}
