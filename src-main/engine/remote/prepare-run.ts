/**
 * The run folder a worker trains in, rebuilt in the worker's home from the job and the run's
 * artifact in Redis (Redis, not what an earlier attempt left here, is the truth): run.json
 * with the job's settings and the worker's own backend, and the files up to the last checkpoint
 * any worker sent back. The folder appears whole (filled under a hidden name, then renamed).
 */
import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { RemoteJob } from '@common/remote-run'
import type { RunRecord } from '@common/run-record'
import type { BackendPreference } from '@common/schemas'
import { homePaths } from '../home'
import { runPaths } from '../run-files/paths'
import { writeRecord } from '../run-files/record'
import { writeArtifact, type RunArtifact } from './artifact'

/** Writes `<home>/runs/<id>/` for the job, ready for RunManager.resume; returns its record. */
export async function prepareRunFolder(
  home: string,
  job: RemoteJob,
  artifact: RunArtifact | null,
  backend: BackendPreference,
): Promise<RunRecord> {
  const target = runPaths(home, job.runId)
  const staging = join(homePaths(home).runs, `.remote-${job.runId}`)
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging, { recursive: true })
  const stagingPaths = {
    dir: staging,
    record: join(staging, 'run.json'),
    metrics: join(staging, 'metrics.jsonl'),
    checkpoints: join(staging, 'checkpoints'),
    lock: join(staging, 'lock.json'),
  }
  const record: RunRecord = {
    id: job.runId,
    name: job.name,
    createdAt: job.createdAt,
    updatedAt: new Date().toISOString(),
    // Interrupted: resumable from the checkpoint below, or from the start without one.
    status: 'interrupted',
    config: { ...job.config, backend },
    dataset: null,
    backend: null,
    summary: null,
    checkpointEpoch: artifact?.checkpointEpoch ?? 0,
  }
  try {
    if (artifact) await writeArtifact(stagingPaths, artifact)
    await writeRecord(stagingPaths.record, record)
    await rm(target.dir, { recursive: true, force: true })
    await rename(staging, target.dir)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw error
  }
  return record
}
