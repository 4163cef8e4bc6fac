/**
 * The settings' defaults of a new run as the person edits them: text in each number field, where
 * empty means the notebook's value, checked against the same run limits as the new-run form.
 */
import { formatLearningRate } from '@common/format'
import { checkLimit, RUN_LIMITS } from '@common/run-limits'
import { runConfigSchema, type OptimizerName, type Preset } from '@common/schemas'

/** The defaults a new run starts from (a preset's settings). */
export type RunDefaults = Preset['config']

/** The numeric fields of the card, in the order they are shown. */
export const DEFAULT_FIELDS = ['epochs', 'batchSize', 'learningRate', 'trainLimit', 'seed'] as const
export type DefaultField = (typeof DEFAULT_FIELDS)[number]

export type DefaultsDraft = Record<DefaultField, string> & { optimizer: OptimizerName | '' }

const notebook = runConfigSchema.parse({})

/** The notebook's optimizer, what an empty choice means. */
export const NOTEBOOK_OPTIMIZER = notebook.optimizer

/** The notebook's value of each field, shown as the placeholder of an empty one. */
export const NOTEBOOK_VALUES: Record<DefaultField, string> = {
  epochs: String(notebook.epochs),
  batchSize: String(notebook.batchSize),
  learningRate: formatLearningRate(notebook.learningRate),
  trainLimit: 'All',
  seed: String(notebook.seed),
}

/** The card's fields showing the stored defaults. */
export function draftFromDefaults(defaults: RunDefaults): DefaultsDraft {
  return {
    epochs: defaults.epochs?.toString() ?? '',
    batchSize: defaults.batchSize?.toString() ?? '',
    learningRate: defaults.learningRate !== undefined ? formatLearningRate(defaults.learningRate) : '',
    trainLimit: defaults.trainLimit?.toString() ?? '',
    seed: defaults.seed?.toString() ?? '',
    optimizer: defaults.optimizer ?? '',
  }
}

/**
 * The stored defaults with the draft applied, or the sentence for each field that is wrong.
 * An empty field drops its default, so the notebook's value applies (all images, for training images).
 */
export function defaultsFromDraft(
  current: RunDefaults,
  draft: DefaultsDraft,
): { defaults: RunDefaults | null; errors: Partial<Record<DefaultField, string>> } {
  const errors: Partial<Record<DefaultField, string>> = {}
  const next: RunDefaults = { ...current }
  for (const field of DEFAULT_FIELDS) {
    const text = draft[field]
    if (!text.trim()) {
      delete next[field]
      continue
    }
    const checked = checkLimit(RUN_LIMITS[field], text)
    if (checked.error !== undefined) errors[field] = checked.error.replace(/\.$/, ', or empty.')
    else next[field] = checked.value
  }
  if (draft.optimizer) next.optimizer = draft.optimizer
  else delete next.optimizer
  return { defaults: Object.keys(errors).length ? null : next, errors }
}
