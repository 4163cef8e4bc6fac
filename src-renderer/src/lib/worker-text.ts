/** How the app says where a run trains, and how long ago a worker was heard from. */
import type { RunRecord } from '@common/contract'

/** "on worker NAME (HOST)" for a run a worker took; "on a worker" before one takes it; null for a run of this machine. */
export function workerPlaceText(record: Pick<RunRecord, 'remote' | 'worker'>): string | null {
  if (record.worker) return `on worker ${record.worker.name} (${record.worker.host})`
  return record.remote ? 'on a worker' : null
}

/** A heartbeat's age as "3 s ago" (whole seconds; "just now" under one). */
export function heartbeatAgo(ageMs: number): string {
  const seconds = Math.floor(ageMs / 1000)
  if (seconds < 1) return 'just now'
  if (seconds < 120) return `${seconds} s ago`
  return `${Math.floor(seconds / 60)} min ago`
}
