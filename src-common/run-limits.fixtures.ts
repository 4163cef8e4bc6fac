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
  const accepted = [text(lowest), text(limit.max)]
  const refused = [
    text(limit.aboveMin ? limit.min : limit.min - step(limit)),
    text(limit.max + step(limit)),
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
] as const satisfies readonly RunLimitKey[]

/** Where each layer limit's field sits in an architecture: the row group and the row's field. */
export const LAYER_FIELDS = {
  convFilters: ['convBlocks', 'filters'],
  convKernelSize: ['convBlocks', 'kernelSize'],
  convStride: ['convBlocks', 'stride'],
  denseUnits: ['denseLayers', 'units'],
  denseDropout: ['denseLayers', 'dropout'],
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
