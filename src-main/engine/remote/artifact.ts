/**
 * A run's durable files as they travel through Redis: `metrics.jsonl` up to the run's newest
 * checkpoint, and its checkpoint folders (the latest, and the best when the run keeps one), as one
 * hash of relative path to bytes. A worker takes a snapshot after each epoch; the app, and a
 * worker that takes the run over, write it into a run folder. Whole state each time, never a diff:
 * every epoch's lines appear in the folder exactly once, whichever worker trained them.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { writeFileAtomic, writeFileSynced } from '../fs-atomic'
import { checkpointEpochs, isCheckpointFolderName } from '../run-files/checkpoint-paths'
import { trimMetricsText } from '../run-files/metrics'
import type { RunPaths } from '../run-files/paths'

/** The field of the artifact hash holding the checkpoint epoch; the others are relative paths. */
export const EPOCH_FIELD = '@checkpointEpoch'
const METRICS_FIELD = 'metrics.jsonl'

/** A run's files up to its checkpoint epoch (0: none yet), keyed by path relative to the run folder. */
export interface RunArtifact {
  checkpointEpoch: number
  files: Map<string, Buffer>
}

/**
 * The run folder's files up to its newest checkpoint. The trainer may replace that checkpoint
 * while it is read (the next epoch's save deletes the older): then the snapshot is taken again.
 */
export async function snapshotRun(paths: RunPaths, attempts = 5): Promise<RunArtifact> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readSnapshot(paths)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= attempts) throw error
    }
  }
}

async function readSnapshot(paths: RunPaths): Promise<RunArtifact> {
  const checkpointEpoch = (await checkpointEpochs(paths.checkpoints))[0] ?? 0
  const files = new Map<string, Buffer>()
  const folders = (await readdir(paths.checkpoints).catch(() => [] as string[])).filter(
    (name) =>
      name === `epoch-${String(checkpointEpoch).padStart(6, '0')}` || isCheckpointFolderName(name, 'best'),
  )
  for (const folder of folders) {
    for (const file of await readdir(join(paths.checkpoints, folder)))
      files.set(`checkpoints/${folder}/${file}`, await readFile(join(paths.checkpoints, folder, file)))
  }
  const text = await readFile(paths.metrics, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''
    throw error
  })
  files.set(METRICS_FIELD, Buffer.from(trimMetricsText(text, checkpointEpoch).text))
  return { checkpointEpoch, files }
}

/** The artifact as the fields and values of its Redis hash. */
export function artifactFields(artifact: RunArtifact): (string | Buffer)[] {
  const fields: (string | Buffer)[] = [EPOCH_FIELD, String(artifact.checkpointEpoch)]
  for (const [path, bytes] of artifact.files) fields.push(path, bytes)
  return fields
}

/**
 * The artifact held in a Redis hash (as HGETALL gives it, with Buffer values); null when the hash is
 * empty. A field that is not one of a run folder's files is refused: the hash names paths written.
 */
export function artifactFromHash(hash: Record<string, Buffer>): RunArtifact | null {
  const epochBytes = hash[EPOCH_FIELD]
  if (epochBytes === undefined) return null
  const checkpointEpoch = Number(epochBytes.toString())
  if (!Number.isInteger(checkpointEpoch) || checkpointEpoch < 0)
    throw new Error(`The run's artifact names checkpoint epoch "${epochBytes.toString()}".`)
  const files = new Map<string, Buffer>()
  for (const [path, bytes] of Object.entries(hash)) {
    if (path === EPOCH_FIELD) continue
    if (path !== METRICS_FIELD && !CHECKPOINT_FILE.test(path))
      throw new Error(`The run's artifact holds "${path}", which is not a file of a run folder.`)
    files.set(path, bytes)
  }
  return { checkpointEpoch, files }
}

/** checkpoints/<epoch or best folder>/<file name>: never a path that leaves the run folder. */
const CHECKPOINT_FILE = /^checkpoints\/(best-)?epoch-\d{6}\/[A-Za-z0-9._-]+$/

/**
 * Writes the artifact into a run folder: metrics.jsonl first (atomically), then each checkpoint
 * folder (filled under a temporary name and renamed, as the trainer saves them), then the folders
 * it does not hold are removed. A crash in between leaves lines past the checkpoint, which a
 * resume trims, never a checkpoint without its lines.
 */
export async function writeArtifact(paths: RunPaths, artifact: RunArtifact): Promise<void> {
  await mkdir(paths.checkpoints, { recursive: true })
  const metrics = artifact.files.get(METRICS_FIELD)
  if (metrics) await writeFileAtomic(paths.metrics, metrics)
  const folders = new Map<string, [string, Buffer][]>()
  for (const [path, bytes] of artifact.files) {
    if (path === METRICS_FIELD) continue
    const folder = dirname(path).slice('checkpoints/'.length)
    folders.set(folder, [...(folders.get(folder) ?? []), [path.slice(path.lastIndexOf('/') + 1), bytes]])
  }
  for (const [folder, files] of folders) {
    const tmp = join(paths.checkpoints, `.tmp-collect-${randomBytes(4).toString('hex')}`)
    await mkdir(tmp)
    try {
      for (const [name, bytes] of files) await writeFileSynced(join(tmp, name), bytes)
      await rm(join(paths.checkpoints, folder), { recursive: true, force: true })
      await rename(tmp, join(paths.checkpoints, folder))
    } catch (error) {
      await rm(tmp, { recursive: true, force: true })
      throw error
    }
  }
  for (const name of await readdir(paths.checkpoints)) {
    const kept = folders.has(name)
    if (!kept && (isCheckpointFolderName(name) || isCheckpointFolderName(name, 'best')))
      await rm(join(paths.checkpoints, name), { recursive: true, force: true })
  }
}
