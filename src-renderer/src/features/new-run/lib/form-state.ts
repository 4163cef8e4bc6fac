/**
 * The new-run form's state as the person edits it: text in every number field (so a half-typed
 * value is kept and named when wrong), and the conversion of a run configuration into it. Its
 * schema also checks a form read back from storage after a reload.
 */
import { z } from 'zod'
import { formatLearningRate } from '@common/format'
import {
  earlyStoppingSchema,
  learningRateScheduleSchema,
  monitorSchema,
  type LearningRateSchedule,
} from '@common/recipe'
import { activationSchema, datasetRefSchema, optimizerSchema, type RunConfig } from '@common/schemas'

const text = z.string()

export const convBlockFormSchema = z.object({
  filters: text,
  kernelSize: text,
  stride: text,
  padding: z.enum(['valid', 'same']),
  activation: activationSchema,
  pooling: z.enum(['max', 'avg', 'none']),
  convs: text,
  batchNorm: z.boolean(),
  dropout: text,
})
export type ConvBlockForm = z.infer<typeof convBlockFormSchema>

export const denseLayerFormSchema = z.object({
  units: text,
  activation: activationSchema,
  dropout: text,
  batchNorm: z.boolean(),
})
export type DenseLayerForm = z.infer<typeof denseLayerFormSchema>

/**
 * Every schedule's parameters at once, so switching the kind and back keeps what was typed; only
 * the chosen kind's are checked and sent.
 */
const scheduleFormSchema = z.object({
  kind: z.enum(learningRateScheduleSchema.options.map((o) => o.shape.kind.value) as [ScheduleKind]),
  stepEvery: text,
  stepFactor: text,
  exponentialFactor: text,
  cosineFinalFactor: text,
  peakAt: text,
  startFactor: text,
  cycleFinalFactor: text,
})
type ScheduleKind = LearningRateSchedule['kind']
export type ScheduleForm = z.infer<typeof scheduleFormSchema>

export const runFormSchema = z.object({
  name: text,
  dataset: datasetRefSchema,
  epochs: text,
  batchSize: text,
  learningRate: text,
  optimizer: optimizerSchema,
  momentum: text,
  seed: text,
  /** Empty means all training images. */
  trainLimit: text,
  validationSplit: text,
  convBlocks: z.array(convBlockFormSchema),
  globalPooling: z.enum(['none', 'avg']),
  denseLayers: z.array(denseLayerFormSchema),
  augmentation: z.object({ rotation: text, zoom: text, shift: text, horizontalFlip: z.boolean() }),
  schedule: scheduleFormSchema,
  warmupEpochs: text,
  weightDecay: text,
  labelSmoothing: text,
  /** Empty never clips. */
  gradientClipNorm: text,
  monitor: monitorSchema,
  keepBest: z.boolean(),
  earlyStopping: z.object({ enabled: z.boolean(), patience: text, minDelta: text }),
})
export type RunForm = z.infer<typeof runFormSchema>

/** Each schedule's own defaults, from the schema, for the kinds the configuration does not use. */
function scheduleDefaults<K extends ScheduleKind>(kind: K): Extract<LearningRateSchedule, { kind: K }> {
  return learningRateScheduleSchema.parse({ kind }) as Extract<LearningRateSchedule, { kind: K }>
}

function scheduleForm(schedule: LearningRateSchedule): ScheduleForm {
  const pick = <K extends ScheduleKind>(kind: K) =>
    schedule.kind === kind ? (schedule as Extract<LearningRateSchedule, { kind: K }>) : scheduleDefaults(kind)
  const step = pick('step')
  const cycle = pick('one-cycle')
  return {
    kind: schedule.kind,
    stepEvery: String(step.everyEpochs),
    stepFactor: String(step.factor),
    exponentialFactor: String(pick('exponential').factor),
    cosineFinalFactor: String(pick('cosine').finalFactor),
    peakAt: String(cycle.peakAt),
    startFactor: String(cycle.startFactor),
    cycleFinalFactor: String(cycle.finalFactor),
  }
}

/** The form showing a configuration. */
export function formFromConfig(config: RunConfig, name = ''): RunForm {
  // With early stopping off, its fields show the schema's defaults, ready to be ticked on.
  const stopping = config.earlyStopping ?? earlyStoppingSchema.parse({})
  return {
    name,
    dataset: config.dataset,
    epochs: String(config.epochs),
    batchSize: String(config.batchSize),
    learningRate: formatLearningRate(config.learningRate),
    optimizer: config.optimizer,
    momentum: String(config.momentum),
    seed: String(config.seed),
    trainLimit: config.trainLimit === null ? '' : String(config.trainLimit),
    validationSplit: String(config.validationSplit),
    convBlocks: config.architecture.convBlocks.map((block) => ({
      filters: String(block.filters),
      kernelSize: String(block.kernelSize),
      stride: String(block.stride),
      padding: block.padding,
      activation: block.activation,
      pooling: block.pooling,
      convs: String(block.convs),
      batchNorm: block.batchNorm,
      dropout: String(block.dropout),
    })),
    globalPooling: config.architecture.globalPooling,
    denseLayers: config.architecture.denseLayers.map((layer) => ({
      units: String(layer.units),
      activation: layer.activation,
      dropout: String(layer.dropout),
      batchNorm: layer.batchNorm,
    })),
    augmentation: {
      rotation: String(config.augmentation.rotation),
      zoom: String(config.augmentation.zoom),
      shift: String(config.augmentation.shift),
      horizontalFlip: config.augmentation.horizontalFlip,
    },
    schedule: scheduleForm(config.schedule),
    warmupEpochs: String(config.warmupEpochs),
    weightDecay: formatLearningRate(config.weightDecay),
    labelSmoothing: String(config.labelSmoothing),
    gradientClipNorm: config.gradientClipNorm === null ? '' : String(config.gradientClipNorm),
    monitor: config.monitor,
    keepBest: config.keepBest,
    earlyStopping: {
      enabled: config.earlyStopping !== null,
      patience: String(stopping.patience),
      minDelta: String(stopping.minDelta),
    },
  }
}
