import type { UtilityProcess } from 'electron'
import { join } from 'node:path'
import { gpuAdapterAnswer } from '../engine/backend/webgpu/adapter-answer'
import { DawnWarningFilter } from '../engine/backend/webgpu/dawn-warnings'
import type { ProbeAnswer } from '../engine/backend/webgpu/probe'
import type { LaunchTrainer, MainToTrainer } from '../engine/train'

/** A utility process's `stdio` option: one value for stdout and stderr, or [stdin, stdout, stderr]. */
export type UtilityStdio = 'pipe' | 'ignore' | 'inherit' | ('pipe' | 'ignore' | 'inherit')[]

/** The part of Electron's `utilityProcess` the launchers use. */
export interface UtilityProcessModule {
  fork(
    modulePath: string,
    args?: string[],
    options?: { serviceName?: string; stdio?: UtilityStdio; execArgv?: string[] },
  ): UtilityProcess
}

/**
 * Start each run's training process as an Electron utility process (`out/main/trainer.js`). Its
 * start or resume message carries this process's GPU adapter answer (`gpuAdapter`), so the
 * trainer never probes: in the packaged app its binary cannot run the probe as Node.
 */
export function utilityProcessLauncher(
  utility: UtilityProcessModule,
  gpuAdapter: () => Promise<ProbeAnswer> = gpuAdapterAnswer,
  entry = join(__dirname, 'trainer.js'),
): LaunchTrainer {
  return () => {
    const child = utility.fork(entry, [], { serviceName: 'CNN Workbench training', stdio: 'pipe' })
    // As the CLI's launcher does: what it prints goes to our stderr, without Dawn's warnings.
    child.stdout?.pipe(process.stderr, { end: false })
    child.stderr?.pipe(new DawnWarningFilter()).pipe(process.stderr, { end: false })
    // A start waits for the answer (the first may still be probing); a stop must not overtake it.
    let sent = Promise.resolve()
    const withAnswer = async (message: MainToTrainer): Promise<MainToTrainer> =>
      message.type === 'stop' ? message : { ...message, gpuAdapter: await gpuAdapter() }
    return {
      send: (message) => {
        const next = withAnswer(message)
        // Once the process has ended, postMessage does nothing; onExit tells the run manager.
        sent = sent.then(async () => child.postMessage(await next))
      },
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
