/**
 * The entry of a data-parallel replica: a worker thread of the training process (built to
 * `out/main/replica.js`), with its own tfjs and backend instance, so its own core. It builds the
 * model and optimizer from the main thread's weights and state, says `ready`, then performs each
 * step and each part of a validation batch it is sent, in order. A failure raises the exchange's
 * abort flag (no replica waits for this one any longer) and is reported; the main thread ends the
 * worker.
 *
 * For tests only, `WORKBENCH_REPLICA_FAULT` (`throw@N`, `exit@N` or `hang@N`) makes the replica
 * throw, end its thread, or block for good at its Nth step, so that the tests can drive a failing
 * replica through a whole run. The app never sets it and nothing else reads it.
 */
import { parentPort, workerData } from 'node:worker_threads'
import * as tf from '@tensorflow/tfjs-core'
import { activateBackend } from '../backend'
import { GradientExchange } from '../backend/data-parallel/gradient-exchange'
import { errorMessage } from '../errors'
import { buildModel } from '../model/build-model'
import { createOptimizer } from './optimizer'
import { ReplicaStepper } from './parallel-step'
import type { MainToReplica, ReplicaToMain, ReplicaWorkerData, TensorData } from './replica-protocol'
import type { ImageSet } from './batches'
import { TrainingStep, evaluateBatch } from './step'

const toTensor = (t: TensorData) => tf.tensor(t.values, t.shape, t.dtype)

/** The fault `WORKBENCH_REPLICA_FAULT` asks for (see above), as a check to run before each step. */
function injectedFault(spec = process.env.WORKBENCH_REPLICA_FAULT): (step: number) => void {
  const match = /^(throw|exit|hang)@(\d+)$/.exec(spec ?? '')
  if (!match) return () => undefined
  const [, kind, at] = match
  return (step) => {
    if (step !== Number(at)) return
    if (kind === 'exit') process.exit(7)
    if (kind === 'hang') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)
    throw new Error(`fault injected at step ${step} by WORKBENCH_REPLICA_FAULT`)
  }
}

async function main(data: ReplicaWorkerData, port: NonNullable<typeof parentPort>): Promise<void> {
  const post = (message: ReplicaToMain) => port.postMessage(message)
  const exchange = new GradientExchange(data.buffer, data.replica, data.shape, data.timeoutMs)
  const fail = (error: unknown) => {
    exchange.abort()
    post({ type: 'failed', error: errorMessage(error) })
  }
  try {
    tf.env().set('PROD', true)
    await activateBackend(data.backend)
    const model = buildModel(
      data.architecture,
      [data.rows, data.cols, data.channels],
      data.numClasses,
      data.seed,
    )
    const weights = data.weights.map(toTensor)
    model.setWeights(weights)
    tf.dispose(weights)
    const optimizer = createOptimizer(data.optimizer)
    const state = data.optimizerWeights.map((w) => ({ name: w.name, tensor: toTensor(w) }))
    try {
      await optimizer.setWeights(state)
    } finally {
      tf.dispose(state.map((w) => w.tensor))
    }
    const images = (set: ImageSet) => ({
      set,
      rows: data.rows,
      cols: data.cols,
      channels: data.channels,
      numClasses: data.numClasses,
    })
    const step = new TrainingStep(model, optimizer, images(data.train), data.recipe)
    const stepper = new ReplicaStepper(step, exchange, data.replicas)
    const validation = images(data.validation)
    const fault = injectedFault()
    let steps = 0
    const perform = async (message: MainToReplica) => {
      if (message.type === 'step') {
        fault(++steps)
        await stepper.run(message.input, message.batchSize)
      } else {
        const stats = await evaluateBatch(model, validation, message.start, message.count)
        post({ type: 'evaluated', ...stats })
      }
    }
    // A message can arrive before the previous step has applied its update: queue them.
    let queue = Promise.resolve()
    port.on('message', (message: MainToReplica) => {
      queue = queue.then(async () => {
        try {
          await perform(message)
        } catch (error) {
          fail(error)
        }
      })
    })
    post({ type: 'ready' })
  } catch (error) {
    fail(error)
  }
}

if (parentPort && workerData) void main(workerData as ReplicaWorkerData, parentPort)
