/**
 * Texts on both sides of every run limit, for the tests that show the schema, the new-run form,
 * the settings' defaults and the CLI accept and refuse the same values.
 */
import { RUN_LIMITS, type NumberLimit, type RunLimitKey } from './run-limits'

export interface LimitCases {
  key: RunLimitKey
  limit: NumberLimit
  /** Typed values every checker accepts: the limits themselves, or just above an excluded minimum. */
  accepted: string[]
  /** Typed values every checker refuses: just outside, a fraction where whole numbers go, not a number. */
  refused: string[]
}

/** How far beyond a limit a refused value lies: the smallest step a person would type. */
function step(limit: NumberLimit): number {
  return limit.integer ? 1 : 0.001
}

/** The accepted and refused texts of one limit. */
export function limitCases(key: RunLimitKey): LimitCases {
  const limit: NumberLimit = RUN_LIMITS[key]
  const text = (n: number) => String(Number(n.toPrecision(12)))
  const lowest = limit.aboveMin ? limit.min + step(limit) : limit.min
  const highest = limit.belowMax ? limit.max - step(limit) : limit.max
  const accepted = [text(lowest), text(highest)]
  const refused = [
    text(limit.aboveMin ? limit.min : limit.min - step(limit)),
    text(limit.belowMax ? limit.max : limit.max + step(limit)),
    'x',
  ]
  if (limit.integer) refused.push(text(limit.min + 0.5))
  return { key, limit, accepted, refused }
}

/** The limits of the fields a person types a number into (not the layer counts). */
export const TYPED_LIMITS = [
  'epochs',
  'batchSize',
  'learningRate',
  'momentum',
  'seed',
  'trainLimit',
  'replicas',
  'convFilters',
  'convKernelSize',
  'convStride',
  'denseUnits',
  'denseDropout',
  'convs',
  'convDropout',
  'validationSplit',
  'rotation',
  'zoom',
  'shift',
  'warmupEpochs',
  'weightDecay',
  'labelSmoothing',
  'gradientClipNorm',
  'patience',
  'minDelta',
  'scheduleEveryEpochs',
  'scheduleFactor',
  'scheduleFinalFactor',
  'schedulePeakAt',
  'scheduleStartFactor',
] as const satisfies readonly RunLimitKey[]

/** Where each layer limit's field sits in an architecture: the row group and the row's field. */
export const LAYER_FIELDS = {
  convFilters: ['convBlocks', 'filters'],
  convKernelSize: ['convBlocks', 'kernelSize'],
  convStride: ['convBlocks', 'stride'],
  denseUnits: ['denseLayers', 'units'],
  denseDropout: ['denseLayers', 'dropout'],
  convs: ['convBlocks', 'convs'],
  convDropout: ['convBlocks', 'dropout'],
} as const satisfies Partial<Record<RunLimitKey, readonly [string, string]>>

export type LayerLimitKey = keyof typeof LAYER_FIELDS

/** Whether a limit is of a layer's field (set in the architecture) rather than of the run. */
export function isLayerLimit(key: RunLimitKey): key is LayerLimitKey {
  return key in LAYER_FIELDS
}

/** A small architecture, as JSON carries it, with `value` in the field that `key` limits. */
export function architectureWith(key: LayerLimitKey, value: unknown) {
  const [group, field] = LAYER_FIELDS[key]
  const block = { filters: 8, kernelSize: 3 }
  return group === 'convBlocks'
    ? { convBlocks: [{ ...block, [field]: value }], denseLayers: [] }
    : { convBlocks: [block], denseLayers: [{ units: 10, [field]: value }] }
}

/**
 * Where each limit of the recipe's nested settings sits in a run configuration: the object, its
 * field, and what else that object needs (the schedule whose parameter it is).
 */
export const NESTED_FIELDS = {
  rotation: ['augmentation', 'rotation', {}],
  zoom: ['augmentation', 'zoom', {}],
  shift: ['augmentation', 'shift', {}],
  patience: ['earlyStopping', 'patience', {}],
  minDelta: ['earlyStopping', 'minDelta', {}],
  scheduleEveryEpochs: ['schedule', 'everyEpochs', { kind: 'step' }],
  scheduleFactor: ['schedule', 'factor', { kind: 'exponential' }],
  scheduleFinalFactor: ['schedule', 'finalFactor', { kind: 'cosine' }],
  schedulePeakAt: ['schedule', 'peakAt', { kind: 'one-cycle' }],
  scheduleStartFactor: ['schedule', 'startFactor', { kind: 'one-cycle' }],
} as const satisfies Partial<Record<RunLimitKey, readonly [string, string, Record<string, string>]>>

export type NestedLimitKey = keyof typeof NESTED_FIELDS

/** Whether a limit is of a field inside one of the recipe's objects (augmentation, schedule...). */
export function isNestedLimit(key: RunLimitKey): key is NestedLimitKey {
  return key in NESTED_FIELDS
}

/** A run configuration, as JSON carries it, with `value` in the field that `key` limits. */
export function configWith(key: RunLimitKey, value: unknown): Record<string, unknown> {
  if (isLayerLimit(key)) return { architecture: architectureWith(key, value) }
  if (isNestedLimit(key)) {
    const [object, field, rest] = NESTED_FIELDS[key]
    return { [object]: { ...rest, [field]: value } }
  }
  return { [key]: value }
}
