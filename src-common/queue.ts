/**
 * The run queue as the contract shows it: the runs of a home waiting for a trainer, in the
 * order they will start. Every run the workbench starts past the trainer cap waits here, and so
 * do a sweep's trials; the queue lives in the home (`queue.json`), so it survives a restart.
 */
import { z } from 'zod'
import { runIdSchema } from './schemas'
import { sweepIdSchema } from './sweep'

export const queueEntrySchema = z.object({
  runId: runIdSchema,
  /** The run's name, as the runs list shows it. */
  name: z.string(),
  /** 1: the next to start. */
  place: z.number().int().min(1),
  /** The sweep whose trial it is, or null. */
  sweepId: sweepIdSchema.nullable(),
  enqueuedAt: z.string().min(1),
})
export type QueueEntry = z.infer<typeof queueEntrySchema>

/** Move a queued run to `place` (1: next; past the end: last). */
export const queueMoveRequestSchema = z
  .object({ runId: runIdSchema, place: z.number().int().min(1) })
  .strict()
/** Take a queued run out of the queue; the run ends as stopped, its folder kept. */
export const queueCancelRequestSchema = z.object({ runId: runIdSchema }).strict()
