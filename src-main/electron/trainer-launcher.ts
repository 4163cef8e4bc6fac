import type { UtilityProcess } from 'electron'
import { join } from 'node:path'
import { DawnWarningFilter } from '../engine/backend/webgpu/dawn-warnings'
import type { LaunchTrainer } from '../engine/train'

/** The part of Electron's `utilityProcess` the launcher uses. */
export interface UtilityProcessModule {
  fork(
    modulePath: string,
    args?: string[],
    options?: { serviceName?: string; stdio?: 'pipe' | 'inherit' },
  ): UtilityProcess
}

/** Start each run's training process as an Electron utility process (`out/main/trainer.js`). */
export function utilityProcessLauncher(
  utility: UtilityProcessModule,
  entry = join(__dirname, 'trainer.js'),
): LaunchTrainer {
  return () => {
    const child = utility.fork(entry, [], { serviceName: 'CNN Workbench training', stdio: 'pipe' })
    // As the CLI's launcher does: what it prints goes to our stderr, without Dawn's warnings.
    child.stdout?.pipe(process.stderr, { end: false })
    child.stderr?.pipe(new DawnWarningFilter()).pipe(process.stderr, { end: false })
    return {
      send: (message) => child.postMessage(message),
      kill: () => {
        child.kill()
      },
      onMessage: (listener) => {
        child.on('message', listener)
      },
      onExit: (listener) => {
        child.on('exit', (code) => listener(code))
      },
    }
  }
}
