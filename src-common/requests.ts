/**
 * The schema each request's payload is checked against where it is received (`dispatch`), and
 * from which its input types (`z.input`, what a caller sends) and handler types (`z.output`,
 * defaults filled in) are derived. Every one is strict all the way down: an unknown key
 * anywhere in a request is refused, never dropped.
 */
import { z } from 'zod'
import type { RequestChannel } from './channels'
import { queueCancelRequestSchema, queueMoveRequestSchema } from './queue'
import { augmentationSchema } from './recipe'
import { RUN_LIMITS } from './run-limits'
import { runUpdateSchema } from './run-notes'
import { MAX_CLASSES } from './datasets'
import {
  datasetRefSchema,
  emptySchema,
  modelSummaryRequestSchema,
  runConfigSchema,
  runIdSchema,
  runRefSchema,
  runRenameSchema,
  redisUrlSchema,
  settingsPatchSchema,
} from './schemas'
import { strictDeep } from './strict'
import { sweepConfigSchema, sweepIdSchema } from './sweep'

export const datasetPreviewRequestSchema = z
  .object({ dataset: datasetRefSchema, count: z.number().int().min(1).max(200).default(40) })
  .strict()
/** Training images of a data set under an augmentation, `count` of them, drawn from `seed`. */
export const augmentPreviewRequestSchema = z
  .object({
    dataset: datasetRefSchema,
    augmentation: augmentationSchema,
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    count: z.number().int().min(1).max(64).default(16),
  })
  .strict()
export const datasetDownloadRequestSchema = z.object({ dataset: z.enum(['mnist', 'fashion-mnist']) }).strict()

/**
 * The longest grey image a request may carry, as base64 (a 1024 x 1024 image is 1,398,104); an
 * image file sent whole (PNG, JPEG...) may be as long.
 */
const MAX_PIXELS_BASE64_LENGTH = 1_500_000

/**
 * The largest request body the contract allows, which the HTTP shell takes as its limit: an
 * image for inspect.activations at the longest pixel string above, plus room for the rest of
 * that request (its run id and the image's other fields take a few hundred bytes). No other
 * request comes near it.
 */
export const MAX_REQUEST_BYTES = MAX_PIXELS_BASE64_LENGTH + 16 * 1024

/** The largest image file `inspect.activations` takes whole (its base64 is at most the limit above). */
export const MAX_IMAGE_FILE_BYTES = Math.floor(MAX_PIXELS_BASE64_LENGTH / 4) * 3

export const inspectImageSchema = z.discriminatedUnion('kind', [
  /** A test-set image by index. */
  z.object({ kind: z.literal('test'), index: z.number().int().min(0) }),
  /** A random test image of a class (seeded so a refresh shows the same one). */
  z.object({
    kind: z.literal('random'),
    label: z
      .number()
      .int()
      .min(0)
      .max(MAX_CLASSES - 1),
    seed: z.number().int().min(0).default(0),
  }),
  /** Grey pixels from a drawing or an image file, 0 = background, 255 = ink. */
  z.object({
    kind: z.literal('pixels'),
    width: z.number().int().min(1).max(1024),
    height: z.number().int().min(1).max(1024),
    pixelsBase64: z.string().max(MAX_PIXELS_BASE64_LENGTH),
    /** 'mnist' centres by mass and scales into a 20x20 box like MNIST's digits; 'resize' only resizes. */
    preprocess: z.enum(['mnist', 'resize']).default('mnist'),
  }),
  /**
   * An image file as it is (PNG, JPEG, WebP, GIF, BMP), decoded on the main side the way the
   * run's training images were: the same resize, fit and colour.
   */
  z.object({
    kind: z.literal('file'),
    bytesBase64: z.string().min(1, 'the file is empty').max(MAX_PIXELS_BASE64_LENGTH),
  }),
])
export const inspectActivationsRequestSchema = z
  .object({ runId: runIdSchema, image: inspectImageSchema })
  .strict()
export const inspectImagesRequestSchema = z
  .object({ runId: runIdSchema, indices: z.array(z.number().int().min(0)).min(1).max(500) })
  .strict()
export const inspectRunSchema = z.object({ runId: runIdSchema }).strict()

export const sweepRefSchema = z.object({ id: sweepIdSchema }).strict()
/** More epochs for a finished, pruned or stopped trial: `epochs` is its new total. */
export const sweepExtendRequestSchema = z
  .object({
    id: sweepIdSchema,
    trial: z.number().int().min(1),
    epochs: z.number().int().min(2).max(RUN_LIMITS.epochs.max),
  })
  .strict()

const declaredSchemas = {
  'app.info': emptySchema,
  'settings.get': emptySchema,
  'settings.update': settingsPatchSchema,
  'model.summary': modelSummaryRequestSchema,
  'datasets.list': emptySchema,
  'datasets.preview': datasetPreviewRequestSchema,
  'datasets.download': datasetDownloadRequestSchema,
  'datasets.augmentPreview': augmentPreviewRequestSchema,
  'runs.start': runConfigSchema,
  'runs.stop': runRefSchema,
  'runs.resume': runRefSchema,
  'runs.list': emptySchema,
  /** `batches: false` leaves out the per-batch curve (views that need only the epochs). */
  'runs.get': z.object({ id: runIdSchema, batches: z.boolean().default(true) }).strict(),
  'runs.rename': runRenameSchema,
  'runs.update': runUpdateSchema,
  'runs.delete': runRefSchema,
  /** A checkpoint's model in tfjs layers format, to save as model.json + weights file. */
  'runs.exportModel': z.object({ id: runIdSchema, epoch: z.number().int().min(1).optional() }).strict(),
  'runs.exportOnnx': z.object({ id: runIdSchema, epoch: z.number().int().min(1).optional() }).strict(),
  /** A native folder picker (desktop app only; `unavailable` in a browser). */
  'app.chooseFolder': z.object({ title: z.string().max(200).optional() }).strict(),
  'inspect.activations': inspectActivationsRequestSchema,
  'inspect.evaluate': inspectRunSchema,
  'inspect.images': inspectImagesRequestSchema,
  /** A sweep from its configuration: created, then its trials queued and trained. */
  'sweeps.start': sweepConfigSchema,
  'sweeps.list': emptySchema,
  'sweeps.get': sweepRefSchema,
  /** Stops its training trials (kept, to go on from their checkpoints) and proposes no more. */
  'sweeps.stop': sweepRefSchema,
  /** Goes on with a stopped or interrupted sweep: unfinished trials resume, then new ones follow. */
  'sweeps.resume': sweepRefSchema,
  'sweeps.extend': sweepExtendRequestSchema,
  'queue.list': emptySchema,
  'queue.move': queueMoveRequestSchema,
  'queue.cancel': queueCancelRequestSchema,
  /** The workers alive on the Redis server the settings name. */
  'workers.list': emptySchema,
  /** Whether a Redis server answers: `url` as typed (a masked password stands for the saved one), else the saved one. */
  'workers.testConnection': z.object({ url: redisUrlSchema.optional() }).strict(),
} satisfies Record<RequestChannel, z.ZodType>

type RequestSchemas = typeof declaredSchemas

/** The schema of each request channel, strict at every depth. */
export const requestSchemas = Object.fromEntries(
  Object.entries(declaredSchemas).map(([channel, schema]) => [channel, strictDeep(schema)]),
) as RequestSchemas

/** What a caller sends on a channel (`void` where the request takes nothing). */
export type RequestInput<C extends RequestChannel> = RequestSchemas[C] extends typeof emptySchema
  ? void
  : z.input<RequestSchemas[C]>

/** What a handler receives: the payload after its schema parsed it (defaults filled in). */
export type HandlerInput<C extends RequestChannel> = z.output<RequestSchemas[C]>
