/**
 * The one call through which a training process picks its compute backend.
 * TODO(backends): delegate to `activateBackend` of engine/backend once it lands; until then the
 * pure-JS cpu backend (correct, slow), since stock wasm cannot train convolutions.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import type { BackendReport, BackendUsed } from '../../api/contract'
import type { BackendPreference } from '../../api/schemas'

/** Activates a backend for this process and says which one runs. */
export async function activateComputeBackend(
  preference: BackendPreference,
): Promise<{ used: BackendUsed; report: BackendReport | null }> {
  void preference
  await tf.setBackend('cpu')
  await tf.ready()
  return { used: { name: 'cpu', version: tf.version_core, device: 'cpu', threads: 1 }, report: null }
}
