/** Where a run's checkpoints are, without loading tfjs (the main process lists and exports them). */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

const FOLDER = /^epoch-(\d+)$/

/** The folder of the checkpoint of `epoch`. */
export function checkpointFolder(checkpointsDir: string, epoch: number): string {
  return join(checkpointsDir, `epoch-${String(epoch).padStart(6, '0')}`)
}

/** Whether a folder name is that of a complete checkpoint. */
export function isCheckpointFolderName(name: string): boolean {
  return FOLDER.test(name)
}

/** The epochs of the complete checkpoints, newest first. */
export async function checkpointEpochs(checkpointsDir: string): Promise<number[]> {
  const names = await readdir(checkpointsDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[]
    throw error
  })
  return names
    .map((name) => FOLDER.exec(name))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => b - a)
}

/** The epoch of the newest complete checkpoint, 0 when there is none. */
export async function latestCheckpointEpoch(checkpointsDir: string): Promise<number> {
  return (await checkpointEpochs(checkpointsDir))[0] ?? 0
}
