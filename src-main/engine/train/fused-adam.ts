/**
 * Adam whose update of each variable is one kernel on wasm (WorkbenchAdam) instead of tfjs's
 * fifteen element-wise ones: the same arithmetic in the same float32 order, so the same
 * weights to the bit, about ten times faster. Its state (moments, the accumulated betas, the
 * step count) is tfjs's AdamOptimizer's own, so checkpoints are unchanged in both directions.
 * On backends without the kernel it is tfjs's AdamOptimizer.
 */
import * as tf from '@tensorflow/tfjs-core'
import { ADAM_KERNEL, type AdamAttrs } from '../backend/wasm-kernels/adam'

/** AdamOptimizer's private state, which the fused update reads and writes as tfjs's does. */
interface AdamState {
  accBeta1: tf.Variable
  accBeta2: tf.Variable
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[]
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[]
}

type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0]

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999)
  }

  override applyGradients(variableGradients: VariableGradients): void {
    if (tf.getKernel(ADAM_KERNEL, tf.getBackend()) === undefined) {
      super.applyGradients(variableGradients)
      return
    }
    const state = this as unknown as AdamState
    const named = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }))
    const [accBeta1, accBeta2] = [state.accBeta1, state.accBeta2].map((b) => b.dataSync()[0])
    const attrs: AdamAttrs = {
      beta1: this.beta1,
      oneMinusBeta1: 1 - this.beta1,
      beta2: this.beta2,
      oneMinusBeta2: 1 - this.beta2,
      // tfjs computes these as float32 tensors: round as it does.
      oneMinusAccBeta1: Math.fround(1 - accBeta1),
      oneMinusAccBeta2: Math.fround(1 - accBeta2),
      epsilon: this.epsilon,
      negativeLearningRate: -this.learningRate,
    }
    tf.tidy(() => {
      named.forEach(({ name, tensor: gradient }, i) => {
        const variable = tf.engine().registeredVariables[name]
        state.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(variable).variable(false)),
        }
        state.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(variable).variable(false)),
        }
        if (gradient == null) return
        const m = state.accumulatedFirstMoment[i].variable
        const v = state.accumulatedSecondMoment[i].variable
        const [newValue, newM, newV] = tf
          .engine()
          .runKernel(
            ADAM_KERNEL,
            { variable, gradient, m, v },
            attrs as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[]
        variable.assign(newValue)
        m.assign(newM)
        v.assign(newV)
      })
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1))
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2))
    })
    this.incrementIterations()
  }

  /**
   * tfjs's setWeights recomputes the accumulated betas as pow(beta, steps + 1), which after some
   * tens of steps differs in the last bit from the float32 products training made: a resumed
   * run then drifted from the uninterrupted one. The same products are made here instead.
   */
  override async setWeights(weightValues: Parameters<tf.AdamOptimizer['setWeights']>[0]): Promise<void> {
    await super.setWeights(weightValues)
    const state = this as unknown as AdamState
    const accumulated = (beta: number) => {
      const b = Math.fround(beta)
      let acc = b
      for (let step = 0; step < this.iterations; step++) acc = Math.fround(acc * b)
      return acc
    }
    state.accBeta1.assign(tf.scalar(accumulated(this.beta1)))
    state.accBeta2.assign(tf.scalar(accumulated(this.beta2)))
  }
}
