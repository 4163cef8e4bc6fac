/**
 * Whether some process owns a run, read from its record and its lock: a run that a process left
 * queued or running when it died is interrupted.
 */
import type { RunRecord, RunStatus } from '@common/contract'

/** The statuses of a run some process owns; left so by a process that died, the run is interrupted. */
const OWNED: readonly RunStatus[] = ['queued', 'running']

/** Whether a run of this status belongs to some process (queued or training). */
export function isOwnedStatus(status: RunStatus): boolean {
  return OWNED.includes(status)
}

/**
 * A record as it stands: queued or running with no live process holding its lock means
 * interrupted. `ownedHere`: this process owns the run; `isLocked`: a live process holds its lock.
 */
export async function effectiveRecord(
  record: RunRecord,
  ownedHere: boolean,
  isLocked: (id: string) => Promise<boolean>,
): Promise<RunRecord> {
  // A remote run trains on a worker: its folder here waits for the app to collect it.
  if (!isOwnedStatus(record.status) || ownedHere || record.remote) return record
  if (await isLocked(record.id)) return record
  const error =
    record.status === 'queued' ? 'The process that queued it is gone.' : 'The training process is gone.'
  const interrupted: RunRecord = { ...record, status: 'interrupted', error: record.error ?? error }
  delete interrupted.queuePlace
  return interrupted
}
