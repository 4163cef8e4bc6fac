/** The names of the BullMQ queue and of the Redis keys the app and the workers share. */

/** The BullMQ queue of runs to train. */
export const RUN_QUEUE = 'workbench-runs'
/** BullMQ's prefix of the queue's keys, and ours before the keys of each run. */
export const KEY_PREFIX = 'wb'

/** The Redis keys of one run. */
export function runKeys(runId: string) {
  const base = `${KEY_PREFIX}:run:${runId}`
  return {
    /** A stream of the run's events (remoteEventSchema), in order, each as field `e`. */
    events: `${base}:events`,
    /** A hash of the run's files up to its last checkpoint: metrics.jsonl and checkpoints/. */
    artifact: `${base}:artifact`,
    /** Set by the app to ask the worker training the run to stop it. */
    stop: `${base}:stop`,
  }
}

/** The hash of the workers' heartbeats, one field a worker (its id), each a JSON heartbeat. */
export const WORKERS_KEY = `${KEY_PREFIX}:workers`

/** How often a worker says it is alive. */
export const HEARTBEAT_MS = 5000

/** The events a stream keeps; older ones are trimmed (the run's files never are). */
export const STREAM_MAX_EVENTS = 5000
