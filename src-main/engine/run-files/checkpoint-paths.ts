/** Where a run's checkpoints are, without loading tfjs (the main process lists and exports them). */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

const FOLDER = /^epoch-(\d+)$/
const BEST_FOLDER = /^best-epoch-(\d+)$/

/** A run keeps its latest checkpoint (to resume) and, when asked, its best by validation apart. */
export type CheckpointKind = 'latest' | 'best'

/** The folder of the checkpoint of `epoch` (`kind` best: the one kept as the run's best). */
export function checkpointFolder(
  checkpointsDir: string,
  epoch: number,
  kind: CheckpointKind = 'latest',
): string {
  const prefix = kind === 'best' ? 'best-epoch-' : 'epoch-'
  return join(checkpointsDir, `${prefix}${String(epoch).padStart(6, '0')}`)
}

/** Whether a folder name is that of a complete checkpoint of that kind. */
export function isCheckpointFolderName(name: string, kind: CheckpointKind = 'latest'): boolean {
  return (kind === 'best' ? BEST_FOLDER : FOLDER).test(name)
}

/** The epoch of the run's best checkpoint, 0 when it keeps none. */
export async function bestCheckpointEpoch(checkpointsDir: string): Promise<number> {
  const names = await folderNames(checkpointsDir)
  const epochs = names.map((name) => BEST_FOLDER.exec(name)).filter((m) => m !== null)
  return Math.max(0, ...epochs.map((m) => Number(m[1])))
}

async function folderNames(checkpointsDir: string): Promise<string[]> {
  return readdir(checkpointsDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[]
    throw error
  })
}

/** The epochs of the complete checkpoints, newest first. */
export async function checkpointEpochs(checkpointsDir: string): Promise<number[]> {
  const names = await folderNames(checkpointsDir)
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
