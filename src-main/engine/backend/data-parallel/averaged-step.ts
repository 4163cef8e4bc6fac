/**
 * The step of a data-parallel replica: this replica's gradients go through the exchange and the
 * mean comes back as the update, so every replica applies the same one.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { GradientExchange } from './gradient-exchange'

/**
 * Averages `grads` (one per variable, in the exchange's order) with the other replicas' and
 * applies the mean with `optimizer`. Disposes `grads`.
 */
export async function applyAveragedGradients(
  exchange: GradientExchange,
  optimizer: tf.Optimizer,
  variables: readonly tf.Variable[],
  grads: readonly tf.Tensor[],
): Promise<void> {
  const local = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array))
  const shapes = grads.map((g) => g.shape)
  tf.dispose([...grads])
  const mean = await exchange.allReduceMean(local)
  tf.tidy(() => {
    optimizer.applyGradients(
      variables.map((v, i) => ({ name: v.name, tensor: tf.tensor(mean[i], shapes[i]) })),
    )
  })
}
