import type { AppInfo, EmitEvent, RequestHandlers } from '@common/contract'
import { createAppHandlers } from './handlers/app'
import { createDatasetHandlers } from './handlers/datasets'
import { createInspectHandlers } from './handlers/inspect'
import { createModelHandlers } from './handlers/model'
import { createRunHandlers } from './handlers/runs'
import { createSweepHandlers } from './handlers/sweeps'
import { createWorkerHandlers } from './handlers/workers'
import type { SettingsStore } from '../engine/settings/store'
import { RunManager } from '../engine/runs'
import { watchRunStore } from '../engine/runs/store-watcher'
import { watchQueueFile } from '../engine/runs/queue-file'
import { SweepRunner } from '../engine/sweeps/sweep-runner'
import { WorkerDirectory } from '../engine/remote/worker-directory'
import type { ErrorLogger } from './dispatch'
import type { LaunchTrainer } from '../engine/train'

export interface WorkbenchOptions {
  home: string
  shell: AppInfo['shell']
  settings: SettingsStore
  emit: EmitEvent
  /** How a training process is started; the Electron shell passes utilityProcess. */
  launch?: LaunchTrainer
  /** The native folder picker (desktop app only). */
  chooseFolder?: (title: string) => Promise<string | null>
  /** Base URLs to download the named data sets from instead of their published mirrors. */
  downloadMirrors?: string[]
  /** Where failures no request caused are reported (the run store's watch); ignored when absent. */
  logError?: ErrorLogger
}

/** The one implementation of the contract, on top of the engine; every shell serves this. */
export function createWorkbench(options: WorkbenchOptions) {
  let sweeps: SweepRunner | null = null
  // Sweeps follow their trials through the runs' events.
  const emit: EmitEvent = (channel, payload) => {
    options.emit(channel, payload)
    sweeps?.observe(channel, payload)
  }
  const runs = new RunManager({
    home: options.home,
    emit,
    launch: options.launch,
    maxTrainers: () => options.settings.get().maxTrainers,
    redisUrl: () => options.settings.get().redisUrl ?? null,
    // Sentences only (Redis away and back): the URL in them is masked.
    log: (line) => options.logError?.('workers', line),
  })
  // Runs that workers trained while no process here collected them (the app was closed, or
  // another Redis server was named): what they finished reaches their folders.
  const collectRemoteRuns = () =>
    void runs.collectRemoteRuns().catch((error: unknown) => options.logError?.('workers', error))
  sweeps = new SweepRunner({ home: options.home, runs, emit })
  const workerDirectory = new WorkerDirectory()
  const handlers: RequestHandlers = {
    ...createAppHandlers({ ...options, redisChanged: collectRemoteRuns }),
    ...createModelHandlers(),
    ...createDatasetHandlers({
      home: options.home,
      emit: options.emit,
      getSettings: () => options.settings.get(),
      mirrors: options.downloadMirrors,
    }),
    ...createRunHandlers(runs, options.home),
    ...createInspectHandlers({ home: options.home, emit: options.emit }),
    ...createSweepHandlers(runs, sweeps),
    ...createWorkerHandlers(options.settings, workerDirectory),
  }
  // Changes other processes make to the run store (the CLI, another window) reach the views too.
  const watcher = watchRunStore(
    options.home,
    (runId) => options.emit('runs.changed', { runId }),
    (error) => options.logError?.('runs watch', error),
  ).catch((error: unknown) => {
    options.logError?.('runs watch', error)
    return null
  })
  // The queue kept in the home: what other processes change shows here, and the plain runs left
  // queued by a process that died (this app, before a restart) are trained in their turn.
  const queueWatcher = watchQueueFile(
    options.home,
    (entries) => options.emit('queue.changed', { entries }),
    (error) => options.logError?.('queue watch', error),
  )
  runs.runQueue.adopt().catch((error: unknown) => options.logError?.('queue adoption', error))
  collectRemoteRuns()
  const shutdown = async () => {
    queueWatcher.close()
    workerDirectory.shutdown()
    ;(await watcher)?.close()
    await sweeps?.shutdown()
    await runs.shutdown()
  }
  return { handlers, runs, sweeps, shutdown }
}
