/**
 * Runtime schemas of every request payload and of the documents the engine stores.
 * Pure zod, no Node imports: the renderer may import these for inline validation.
 */
import { z } from 'zod'
import {
  NO_AUGMENTATION,
  augmentationSchema,
  earlyStoppingSchema,
  learningRateScheduleSchema,
  monitorSchema,
} from './recipe'
import { MAX_CLASSES, folderInputFields } from './datasets'
import { parseRedisUrl } from './redis-url'
import { limitSchema as limited, RUN_LIMITS, RUN_NAME_MAX_LENGTH } from './run-limits'

export const optimizerSchema = z.enum(['adam', 'sgd', 'rmsprop'])
export type OptimizerName = z.infer<typeof optimizerSchema>

/** A compute backend the engine knows how to load, best first. */
export const backendNameSchema = z.enum(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'])
export type BackendName = z.infer<typeof backendNameSchema>

/** What the user asks for; `tensorflow` means tfjs-node-gpu, then tfjs-node. */
export const backendPreferenceSchema = z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'])
export type BackendPreference = z.infer<typeof backendPreferenceSchema>

/** A GPU adapter as WebGPU (Dawn) reports it. */
export const gpuAdapterSchema = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  /** The graphics API Dawn drives it through: Vulkan, Metal, D3D12, OpenGLES... */
  api: z.string(),
  /** It computes on the CPU (llvmpipe, SwiftShader, an adapter of CPU type). */
  software: z.boolean(),
})
export type GpuAdapter = z.infer<typeof gpuAdapterSchema>

export const activationSchema = z.enum(['relu', 'elu', 'tanh', 'sigmoid', 'linear'])
export type ActivationName = z.infer<typeof activationSchema>

/**
 * A block of `convs` convolutions (each of `filters` filters, `kernelSize` square, with the
 * activation, then batch normalization when asked), then 2x2 pooling, then dropout. Only the
 * block's last convolution takes `stride`: a block of stride 2 without pooling downsamples with
 * a convolution instead of pooling.
 */
export const convBlockSchema = z.object({
  filters: limited(RUN_LIMITS.convFilters),
  kernelSize: limited(RUN_LIMITS.convKernelSize),
  stride: limited(RUN_LIMITS.convStride).default(1),
  padding: z.enum(['valid', 'same']).default('valid'),
  activation: activationSchema.default('relu'),
  pooling: z.enum(['max', 'avg', 'none']).default('max'),
  convs: limited(RUN_LIMITS.convs).default(1),
  /** Batch normalization after each convolution's activation (cdeotte's order). */
  batchNorm: z.boolean().default(false),
  /** Dropout rate after the block (after its pooling); 0 for none. */
  dropout: limited(RUN_LIMITS.convDropout).default(0),
})
export type ConvBlock = z.infer<typeof convBlockSchema>

/** A dense layer: units with the activation, then batch normalization when asked, then dropout. */
export const denseLayerSchema = z.object({
  units: limited(RUN_LIMITS.denseUnits),
  activation: activationSchema.default('relu'),
  dropout: limited(RUN_LIMITS.denseDropout).default(0),
  batchNorm: z.boolean().default(false),
})
export type DenseLayer = z.infer<typeof denseLayerSchema>

export const architectureSchema = z.object({
  convBlocks: z.array(convBlockSchema).min(RUN_LIMITS.convBlocks.min).max(RUN_LIMITS.convBlocks.max),
  /**
   * How the last block's feature maps become the dense layers' input: 'none' flattens them,
   * 'avg' averages each map to one number (global average pooling).
   */
  globalPooling: z.enum(['none', 'avg']).default('none'),
  denseLayers: z.array(denseLayerSchema).min(RUN_LIMITS.denseLayers.min).max(RUN_LIMITS.denseLayers.max),
})
export type Architecture = z.infer<typeof architectureSchema>
/** An architecture as a caller may write it (the layers' defaults optional). */
export type ArchitectureInput = z.input<typeof architectureSchema>

/** The notebook's network: conv5x5x32 - pool - conv5x5x64 - pool - dense500 - dropout0.4 - dense10. */
export const NOTEBOOK_ARCHITECTURE: Architecture = architectureSchema.parse({
  convBlocks: [
    { filters: 32, kernelSize: 5, stride: 1, padding: 'valid', activation: 'relu', pooling: 'max' },
    { filters: 64, kernelSize: 5, stride: 1, padding: 'valid', activation: 'relu', pooling: 'max' },
  ],
  denseLayers: [{ units: 500, activation: 'relu', dropout: 0.4 }],
})

/**
 * A data set: one of the named ones, or a folder (class subfolders of images, the CIFAR-10 binary
 * files, or the four IDX files), with the input its images are made into; what is left out
 * comes from the folder (its images' usual size and colour, a centre crop).
 */
export const datasetRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mnist') }),
  z.object({ kind: z.literal('fashion-mnist') }),
  z.object({
    kind: z.literal('folder'),
    path: z.string().min(1, 'folder path is empty'),
    ...folderInputFields,
  }),
])
export type DatasetRef = z.infer<typeof datasetRefSchema>

/** How the named data sets are titled, in the app, the CLI and a run's record. */
export const DATASET_TITLES = { mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST' } as const satisfies Record<
  Exclude<DatasetRef['kind'], 'folder'>,
  string
>

export const runConfigSchema = z.object({
  name: z.string().trim().max(RUN_NAME_MAX_LENGTH).optional(),
  dataset: datasetRefSchema.default({ kind: 'mnist' }),
  architecture: architectureSchema.default(NOTEBOOK_ARCHITECTURE),
  epochs: limited(RUN_LIMITS.epochs).default(50),
  batchSize: limited(RUN_LIMITS.batchSize).default(100),
  learningRate: limited(RUN_LIMITS.learningRate).default(1e-4),
  optimizer: optimizerSchema.default('adam'),
  /** Momentum of sgd (ignored by the other optimizers). */
  momentum: limited(RUN_LIMITS.momentum).default(0.9),
  seed: limited(RUN_LIMITS.seed).default(42),
  /** Train on the first N training images only; null means all. */
  trainLimit: limited(RUN_LIMITS.trainLimit).nullable().default(null),
  /**
   * The fraction of the training images (after trainLimit) held out for validation, stratified
   * by class and drawn from the seed. 0 validates on the test set, as the notebook did (runs
   * recorded before the split existed read as 0).
   */
  validationSplit: limited(RUN_LIMITS.validationSplit).default(0.1),
  augmentation: augmentationSchema.default(NO_AUGMENTATION),
  schedule: learningRateScheduleSchema.default({ kind: 'constant' }),
  /** Epochs (fractions allowed) over which the rate rises linearly from 0 to the schedule's, batch by batch. */
  warmupEpochs: limited(RUN_LIMITS.warmupEpochs).default(0),
  /**
   * Decoupled weight decay (AdamW with adam): each step multiplies the conv and dense kernels
   * by 1 - learning rate x weightDecay. Biases and batch-norm parameters are left alone.
   */
  weightDecay: limited(RUN_LIMITS.weightDecay).default(0),
  /** Label smoothing of the training loss (validation and test losses are plain cross-entropy). */
  labelSmoothing: limited(RUN_LIMITS.labelSmoothing).default(0),
  /** Scale the averaged gradient down to this global L2 norm when it is longer; null never clips. */
  gradientClipNorm: limited(RUN_LIMITS.gradientClipNorm).nullable().default(null),
  /** The validation figure that picks the best epoch (and drives early stopping). */
  monitor: monitorSchema.default('val_accuracy'),
  /**
   * Keep the best epoch's checkpoint (by `monitor`) beside the latest, and evaluate the test set
   * on it when the run ends; false evaluates the last epoch's. Early stopping implies it.
   */
  keepBest: z.boolean().default(false),
  earlyStopping: earlyStoppingSchema.nullable().default(null),
  backend: backendPreferenceSchema.default('auto'),
  /**
   * Data-parallel replicas (one per core) on the wasm and cpu backends; null picks: 2 on wasm
   * with two cores or more, else 1. The same seed and replica count give the same run.
   */
  replicas: limited(RUN_LIMITS.replicas).nullable().default(null),
})
/** A run's configuration with every default filled in. */
export type RunConfig = z.infer<typeof runConfigSchema>
/** A run's configuration as a caller may send it (defaults optional). */
export type RunConfigInput = z.input<typeof runConfigSchema>

export const runIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/, 'run id has characters a run id never has')

/** Each field of a shape optional and without its default: absent stays absent. */
type Unfilled<S extends z.ZodRawShape> = {
  [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer Inner> ? Inner : S[K]>
}
function unfilled<S extends z.ZodRawShape>(shape: S): Unfilled<S> {
  const fields = Object.entries(shape).map(([key, field]) => [
    key,
    z.optional(field instanceof z.ZodDefault ? field.unwrap() : field),
  ])
  return Object.fromEntries(fields) as Unfilled<S>
}

/**
 * The settings of a run that a preset or the settings' defaults hold: only those chosen. (A
 * `.partial()` of the run configuration would fill in every default of the fields left out,
 * and a stored choice could no longer tell "the notebook's value" from a value chosen.)
 */
export const runSettingsSchema = z.object(unfilled(runConfigSchema.omit({ name: true }).shape))

export const presetSchema = z.object({
  name: z.string().trim().min(1).max(60),
  config: runSettingsSchema,
})
export type Preset = z.infer<typeof presetSchema>

export const windowStateSchema = z.object({
  width: z.number().int().min(400).max(10000),
  height: z.number().int().min(300).max(10000),
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  maximized: z.boolean().default(false),
})

/** The most runs Compare sets side by side (and the settings keep chosen). */
export const MAX_COMPARED_RUNS = 8

/** A Redis server's URL, refused with the sentence that names what is wrong with it. */
export const redisUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .superRefine((url, ctx) => {
    const parsed = parseRedisUrl(url)
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem })
  })

/** The settings' fields without their defaults: what a patch may carry. */
const settingsFields = {
  backend: backendPreferenceSchema,
  /** Folder of IDX files offered in the new-run form; null when none was chosen. */
  dataFolder: z.string().nullable(),
  defaults: runSettingsSchema,
  presets: z.array(presetSchema).max(100),
  theme: z.enum(['system', 'light', 'dark']),
  compareSelection: z.array(runIdSchema).max(MAX_COMPARED_RUNS),
  window: windowStateSchema.nullable(),
  /** Training processes of this home at once; null lets the workbench pick from cores and memory. */
  maxTrainers: z.number().int().min(1).max(64).nullable(),
  /** The Redis server whose workers train the runs (password allowed); null: train on this machine. */
  redisUrl: redisUrlSchema.nullable(),
}

export const settingsSchema = z.object({
  backend: settingsFields.backend.default('auto'),
  dataFolder: settingsFields.dataFolder.default(null),
  defaults: settingsFields.defaults.default({}),
  presets: settingsFields.presets.default([]),
  theme: settingsFields.theme.default('system'),
  compareSelection: settingsFields.compareSelection.default([]),
  window: settingsFields.window.default(null),
  maxTrainers: settingsFields.maxTrainers.default(null),
  redisUrl: settingsFields.redisUrl.default(null),
})
export type Settings = z.infer<typeof settingsSchema>

/** A settings update: any subset of the top-level fields; the others stay as they are. */
export const settingsPatchSchema = z.object(settingsFields).partial().strict()
export type SettingsPatch = z.infer<typeof settingsPatchSchema>

export const emptySchema = z.union([z.undefined(), z.null(), z.object({}).strict()])
export const runRefSchema = z.object({ id: runIdSchema }).strict()
export const runRenameSchema = z
  .object({ id: runIdSchema, name: z.string().trim().min(1).max(RUN_NAME_MAX_LENGTH) })
  .strict()
export const modelSummaryRequestSchema = z
  .object({
    architecture: architectureSchema,
    inputShape: z
      .tuple([
        z.number().int().min(4).max(256),
        z.number().int().min(4).max(256),
        z.number().int().min(1).max(4),
      ])
      .default([28, 28, 1]),
    /** The data set's classes, which the output layer has one unit each for. */
    numClasses: z.number().int().min(2).max(MAX_CLASSES).default(10),
  })
  .strict()
