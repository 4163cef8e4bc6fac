/**
 * Whether a run marked `running` on disk still has a process behind it. The owner (the process
 * that started the run) writes `process.json`; the trainer's pid joins it once it is up. A
 * trainer exits when its owner goes away, so a live trainer, or an owner still waiting for its
 * trainer to start, means the run is alive; anything else left it interrupted.
 */
import { readFile } from 'node:fs/promises'
import { writeJsonAtomic } from '../fs-atomic'

export interface RunProcessInfo {
  ownerPid: number
  trainerPid: number | null
  startedAt: string
}

/** Records who owns a run that is starting or resuming. */
export async function writeProcessInfo(path: string, info: RunProcessInfo): Promise<void> {
  await writeJsonAtomic(path, info)
}

/** The processes recorded for a run, or null when none are (or the file is unreadable). */
export async function readProcessInfo(path: string): Promise<RunProcessInfo | null> {
  try {
    const json = JSON.parse(await readFile(path, 'utf8')) as Partial<RunProcessInfo>
    if (typeof json.ownerPid !== 'number') return null
    return {
      ownerPid: json.ownerPid,
      trainerPid: typeof json.trainerPid === 'number' ? json.trainerPid : null,
      startedAt: String(json.startedAt ?? ''),
    }
  } catch {
    // Missing or torn: nobody can be shown to own the run, so it counts as not alive.
    return null
  }
}

/** Whether the processes recorded for a run are still there to train it. */
export async function isRunProcessAlive(path: string): Promise<boolean> {
  const info = await readProcessInfo(path)
  if (!info) return false
  return info.trainerPid !== null ? isPidAlive(info.trainerPid) : isPidAlive(info.ownerPid)
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
