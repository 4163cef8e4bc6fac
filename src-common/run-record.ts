/**
 * The documents of a run folder, as zod schemas: `run.json` (the record and its summary) and the
 * lines of `metrics.jsonl` (epochs and batch samples). The writer, the reader and the renderer
 * all use these; the types are inferred from them.
 */
import { z } from 'zod'
import { divergenceSchema } from './divergence'
import { datasetReportSchema } from './datasets'
import { backendNameSchema, datasetRefSchema, gpuAdapterSchema, runConfigSchema } from './schemas'
import { runSweepRefSchema } from './sweep'

/** `queued`: waiting for a free trainer (see the maxTrainers setting). */
export const runStatusSchema = z.enum(['queued', 'running', 'completed', 'stopped', 'failed', 'interrupted'])
export type RunStatus = z.infer<typeof runStatusSchema>

/** The test set's figures, evaluated once when a run ends, on the checkpoint the run keeps. */
export const testResultSchema = z.object({
  /** The epoch whose checkpoint was evaluated: the best by validation, or the last. */
  epoch: z.number().int().min(1),
  loss: z.number(),
  accuracy: z.number(),
})
export type TestResult = z.infer<typeof testResultSchema>

/**
 * A run's figures at its last epoch, its best epoch by validation (the run's `monitor`), its
 * speed, and its test figures once it has ended (null before, and in runs recorded before them).
 */
export const runSummarySchema = z.object({
  epochs: z.number().int().min(0),
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  valLoss: z.number(),
  valAccuracy: z.number(),
  /** The validation accuracy of the best epoch. */
  bestValAccuracy: z.number(),
  bestEpoch: z.number().int().min(0),
  samplesPerSec: z.number(),
  durationMs: z.number(),
  testAccuracy: z.number().nullable().default(null),
  testLoss: z.number().nullable().default(null),
  testEpoch: z.number().int().min(1).nullable().default(null),
  /**
   * Whether the run diverged (loss exploded, or accuracy at chance), from its epochs. Absent in
   * summaries written before it was detected: `divergenceOf` judges those from their last epoch.
   */
  divergence: divergenceSchema.nullable().optional(),
})
export type RunSummary = z.infer<typeof runSummarySchema>

export const runDatasetInfoSchema = z.object({
  ref: datasetRefSchema,
  title: z.string(),
  trainCount: z.number().int(),
  testCount: z.number().int(),
  /** The classes in label order (runs recorded before image folders lack them: their sets had ten, 0-9 or named). */
  classNames: z.array(z.string()).optional(),
  /** [rows, cols, channels] of the network's input (absent in runs recorded before: 28x28x1). */
  inputShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]).optional(),
  /** What loading a folder found (files skipped, empty classes) when the run was created. */
  report: datasetReportSchema.nullable().optional(),
})
export type RunDatasetInfo = z.infer<typeof runDatasetInfoSchema>

/** A run's network input [rows, cols, channels] and class count; runs recorded before image folders had MNIST's. */
export function runNetworkShape(dataset: RunDatasetInfo | null | undefined): {
  inputShape: [number, number, number]
  classCount: number
} {
  return { inputShape: dataset?.inputShape ?? [28, 28, 1], classCount: dataset?.classNames?.length ?? 10 }
}

/** The backend a run actually used. */
export const backendUsedSchema = z.object({
  name: backendNameSchema,
  version: z.string(),
  device: z.string(),
  threads: z.number(),
  /** The GPU adapter it ran on (webgpu). */
  adapter: gpuAdapterSchema.optional(),
})
export type BackendUsed = z.infer<typeof backendUsedSchema>

/**
 * A run's configuration as `run.json` holds it. Runs recorded before the validation split
 * existed validated on the test set: without the field their configuration reads as split 0,
 * not the new default. Every other new field's default is what those runs did.
 */
export const recordedConfigSchema = z.preprocess(
  (config) =>
    typeof config === 'object' && config !== null && !('validationSplit' in config)
      ? { ...config, validationSplit: 0 }
      : config,
  runConfigSchema,
)

/** Where a run trains on another machine: the worker's name and host (never the queue's address). */
export const workerPlaceSchema = z.object({
  name: z.string().min(1).max(120),
  host: z.string().min(1).max(255),
})
export type WorkerPlace = z.infer<typeof workerPlaceSchema>

/** What `run.json` holds; unknown keys are dropped when it is read. */
export const runRecordSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  createdAt: z.string().min(1),
  updatedAt: z.string().min(1),
  status: runStatusSchema,
  config: recordedConfigSchema,
  dataset: runDatasetInfoSchema.nullable(),
  backend: backendUsedSchema.nullable(),
  summary: runSummarySchema.nullable(),
  /** Last epoch whose checkpoint is on disk; 0 before the first. */
  checkpointEpoch: z.number().int().min(0),
  error: z.string().optional(),
  /** While queued: its place in line, 1 being next. */
  queuePlace: z.number().int().min(1).optional(),
  /** The sweep this run is a trial of, and which trial. */
  sweep: runSweepRefSchema.optional(),
  /** What the person wrote about the run; absent until they write some (and in older runs). */
  notes: z.string().optional(),
  /** Labels to find and filter runs by (`baseline`, `augmentation`); absent until given. */
  tags: z.array(z.string()).optional(),
  /** Trained by workers through the Redis queue: its folder here is collected from there. */
  remote: z.boolean().optional(),
  /** The worker that took it last (remote runs). */
  worker: workerPlaceSchema.optional(),
})
export type RunRecord = z.infer<typeof runRecordSchema>

/**
 * Per class, in label order: how many validation images of the class there were and how many the
 * network classified right. Counts, so that replicas and batches add up exactly; the accuracy of
 * class k is correct[k] / total[k].
 */
export const classCountsSchema = z
  .object({
    correct: z.array(z.number().int().min(0)),
    total: z.array(z.number().int().min(0)),
  })
  .refine(
    ({ correct, total }) => correct.length === total.length && correct.every((n, k) => n <= total[k]),
    'needs as many right answers as totals, none above its total',
  )
export type ClassCounts = z.infer<typeof classCountsSchema>

/** One line of `metrics.jsonl` for a finished epoch. */
export const epochMetricsSchema = z.object({
  type: z.literal('epoch'),
  epoch: z.number().int().min(1),
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  valLoss: z.number(),
  valAccuracy: z.number(),
  samplesPerSec: z.number(),
  elapsedMs: z.number(),
  time: z.string(),
  /**
   * The validation images' counts per class (of the test set when the run validates on it).
   * Absent in epochs recorded before they were counted; a damaged value reads as absent, so the
   * epoch's other figures are kept.
   */
  valPerClass: classCountsSchema.optional().catch(undefined),
})
export type EpochMetrics = z.infer<typeof epochMetricsSchema>

/**
 * One line of `metrics.jsonl` for a sampled training batch (its loss and accuracy alone). Keys in
 * the order the trainer writes them, so a parsed line serializes back to the same text.
 */
export const batchSampleSchema = z.object({
  type: z.literal('batch'),
  epoch: z.number().int().min(1),
  batch: z.number().int().min(1),
  /** Steps since the run began: (epoch - 1) * batches + batch. */
  step: z.number().int().min(1),
  loss: z.number(),
  accuracy: z.number(),
  elapsedMs: z.number(),
})
export type BatchSample = z.infer<typeof batchSampleSchema>
