/**
 * Out of memory during training, as the backends say it: wasm traps when an allocation past its
 * 4 GiB fails ("memory access out of bounds"), JavaScript's typed arrays throw RangeErrors, native
 * TensorFlow reports OOM. A run that meets one ends with a sentence saying what to change.
 */
import { UserError, errorMessage } from '../errors'

const OUT_OF_MEMORY =
  /memory access out of bounds|out of memory|\bOOM\b|array buffer allocation failed|invalid typed array length|cannot enlarge memory|maximum memory size exceeded/i

/** The sentence for an error that says memory ran out; null for any other error. */
export function outOfMemoryError(error: unknown): UserError | null {
  const message = errorMessage(error)
  if (!OUT_OF_MEMORY.test(message)) return null
  return new UserError(
    `Training ran out of memory (${message.replace(/\.$/, '')}); lower the batch size or use fewer or smaller layers.`,
    'invalid',
    'batchSize',
  )
}
