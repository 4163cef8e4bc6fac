/**
 * The contract between the app and the workers that train runs on other machines, through a
 * BullMQ queue on Redis: the job's payload (what a worker validates before it trains anything)
 * and the events a worker appends to the run's Redis stream (what the app validates as it reads).
 */
import { z } from 'zod'
import {
  backendUsedSchema,
  epochMetricsSchema,
  runDatasetInfoSchema,
  runStatusSchema,
  runSummarySchema,
  workerPlaceSchema,
} from './run-record'
import { runConfigSchema, runIdSchema } from './schemas'
import { strictDeep } from './strict'

/** The version of this contract; a worker refuses a job of another one. */
export const REMOTE_JOB_VERSION = 2

/** A job's data: the run to train, its id and settings; strict, so an unknown key is refused by name. */
export const remoteJobSchema = strictDeep(
  z.object({
    version: z.literal(REMOTE_JOB_VERSION),
    runId: runIdSchema,
    name: z.string().max(200),
    createdAt: z.string().min(1),
    config: runConfigSchema,
    /** A folder data set's files, as uploaded to Redis under their SHA-256 (the worker fetches them once). */
    folder: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  }),
)
export type RemoteJob = z.infer<typeof remoteJobSchema>

/** The sentence refusing a payload that does not validate, naming the first wrong field. */
export function describeBadJob(error: z.ZodError): string {
  const issue = error.issues[0]
  const where = issue.path.length > 0 ? issue.path.join('.') : 'the payload'
  return `The job's payload does not match the run contract: ${where}: ${issue.message}.`
}

const batchProgressSchema = z.object({
  runId: runIdSchema,
  epoch: z.number(),
  epochs: z.number(),
  batch: z.number(),
  batches: z.number(),
  loss: z.number(),
  accuracy: z.number(),
  samplesPerSec: z.number(),
  elapsedMs: z.number(),
  etaMs: z.number().nullable(),
})

/** What a worker reports on a run's stream, in order. */
export const remoteEventSchema = z.discriminatedUnion('type', [
  /** A worker took the run (again, after a stall or a hand-back). */
  z.object({ type: z.literal('claimed'), worker: workerPlaceSchema, attempt: z.number().int().min(1) }),
  /** The run's record as the worker's trainer reports it. */
  z.object({
    type: z.literal('record'),
    backend: backendUsedSchema.nullable(),
    dataset: runDatasetInfoSchema.nullable(),
    summary: runSummarySchema.nullable(),
  }),
  z.object({ type: z.literal('progress'), progress: batchProgressSchema }),
  z.object({
    type: z.literal('epoch'),
    metrics: epochMetricsSchema,
    epochs: z.number().int(),
    etaMs: z.number().nullable(),
  }),
  /** The run's files up to this checkpoint epoch are in the run's artifact hash. */
  z.object({ type: z.literal('artifact'), checkpointEpoch: z.number().int().min(0) }),
  z.object({ type: z.literal('status'), status: runStatusSchema, error: z.string().optional() }),
])
export type RemoteEvent = z.infer<typeof remoteEventSchema>

/** What a worker says of itself every few seconds (the Workers panel's rows). */
export const workerHeartbeatSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  host: z.string().min(1),
  pid: z.number().int(),
  /** The backend its last run trained on, else the one it was told to prefer. */
  backend: z.string(),
  device: z.string(),
  /** The runs it trains now. */
  runs: z.array(runIdSchema),
  concurrency: z.number().int().min(1),
  at: z.string(),
})
export type WorkerHeartbeat = z.infer<typeof workerHeartbeatSchema>

/** A worker as the Workers panel lists it: its heartbeat, and how long ago the app read it beat. */
export const workerRowSchema = workerHeartbeatSchema.extend({ heartbeatAgeMs: z.number().min(0) })
export type WorkerRow = z.infer<typeof workerRowSchema>

/** The answer of `workers.list`. */
export const workersListSchema = z.object({
  /** The Redis server asked, its password masked; null when the settings name none. */
  redis: z.string().nullable(),
  workers: z.array(workerRowSchema),
})
export type WorkersList = z.infer<typeof workersListSchema>

/** The answer of `workers.testConnection`: the server answered, and how it is configured. */
export const redisCheckSchema = z.object({
  /** The server asked, its password masked. */
  redis: z.string(),
  version: z.string(),
  maxmemoryPolicy: z.string(),
  /** Why the queue is not safe on this server (BullMQ needs noeviction); null when it is. */
  warning: z.string().nullable(),
})
export type RedisCheck = z.infer<typeof redisCheckSchema>
