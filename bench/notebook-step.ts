/**
 * The notebook's network and one training step as the workbench trains it (engine/train's
 * loop: seeded dropout through `forward`, softmax cross-entropy, `variableGrads`, Adam), split
 * into gradient and update so the data-parallel runner can average gradients in between.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { NOTEBOOK_ARCHITECTURE } from '@common/schemas'
import { buildModel, forward } from '../src-main/engine/model/build-model'
import { crossEntropy } from '../src-main/engine/train/optimizer'

export interface NotebookTrainer {
  model: tfl.LayersModel
  optimizer: tf.Optimizer
  variables: tf.Variable[]
  /** Loss and gradients (in `variables` order) of a batch of `batch` random images. */
  gradients(): { loss: tf.Scalar; grads: tf.Tensor[] }
  /** Applies gradients with Adam and disposes them. */
  apply(grads: tf.Tensor[]): void
  /** A full step: gradients then update; resolves when the loss is read back. */
  step(): Promise<number>
  /** Inference on `count` images in one batch (eval mode), waited for. */
  infer(count: number): Promise<void>
  dispose(): void
}

/** Random inputs in [-1, 1] and labels; the speed of a step does not depend on the pixels. */
export function createNotebookTrainer(batch: number, seed = 1): NotebookTrainer {
  const model = buildModel(NOTEBOOK_ARCHITECTURE, [28, 28, 1], 10, seed)
  const optimizer = tf.train.adam(1e-4)
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const x = tf.randomUniform([batch, 28, 28, 1], -1, 1, 'float32', seed)
  const labels = tf.randomUniform([batch], 0, 10, 'int32', seed + 1) as tf.Tensor1D
  let dropoutSeed = seed * 1000

  const gradients = () =>
    tf.tidy(() => {
      const oneHot = tf.oneHot(labels, 10) as tf.Tensor2D
      const { value, grads } = tf.variableGrads(
        () =>
          crossEntropy(
            forward(model, x, () => dropoutSeed++),
            oneHot,
          ),
        variables,
      )
      return { loss: value, grads: variables.map((v) => grads[v.name]) }
    })

  const apply = (grads: tf.Tensor[]) => {
    tf.tidy(() => optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[i] }))))
    tf.dispose(grads)
  }

  return {
    model,
    optimizer,
    variables,
    gradients,
    apply,
    async step() {
      const { loss, grads } = gradients()
      apply(grads)
      const value = (await loss.data())[0]
      loss.dispose()
      return value
    },
    async infer(count) {
      const out = tf.tidy(() => forward(model, tf.randomUniform([count, 28, 28, 1], -1, 1)))
      await out.data()
      out.dispose()
    },
    dispose() {
      tf.dispose([x, labels])
      optimizer.dispose()
      model.dispose()
    },
  }
}
