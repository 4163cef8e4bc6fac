/**
 * Whether a run marked `running` on disk still has a process behind it. The owner (the process
 * that started the run) writes `process.json`; the trainer's pid joins it once it is up. A
 * trainer exits when its owner goes away, so a live trainer, or an owner still waiting for its
 * trainer to start, means the run is alive; anything else left it interrupted.
 */
import { existsSync, readFileSync } from 'node:fs'
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
  if (info.trainerPid === null) return isPidAlive(info.ownerPid)
  return isPidAlive(info.trainerPid) && mayBeTrainer(info.trainerPid)
}

/**
 * Whether a live pid can still be the run's trainer, not an unrelated process that got the pid
 * after the trainer died. Only Linux lets us look (a forked `trainer` entry, or an Electron
 * utility process); elsewhere a live pid is taken at its word.
 */
function mayBeTrainer(pid: number): boolean {
  let commandLine: string
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return process.platform !== 'linux' || existsSync(`/proc/${pid}`)
  }
  return /trainer|--type=utility/.test(commandLine)
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
