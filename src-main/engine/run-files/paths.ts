import { join } from 'node:path'
import { homePaths } from '../home'

/** The files of one run folder, `<home>/runs/<id>/`. */
export function runPaths(home: string, id: string) {
  const dir = join(homePaths(home).runs, id)
  return {
    dir,
    record: join(dir, 'run.json'),
    metrics: join(dir, 'metrics.jsonl'),
    checkpoints: join(dir, 'checkpoints'),
    /** Held by the process that trains or changes the run (see process-lock.ts). */
    lock: join(dir, 'lock.json'),
  }
}

export type RunPaths = ReturnType<typeof runPaths>
