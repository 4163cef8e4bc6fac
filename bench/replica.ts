/**
 * Data-parallel training of the notebook network: each replica (the main thread and worker
 * threads, each with its own tfjs and wasm instance, so each on its own core) computes the
 * gradients of its share of the batch, the replicas average them through a GradientExchange,
 * and each applies the same Adam update.
 */
import { isMainThread, parentPort, workerData, Worker } from 'node:worker_threads'
import type { BackendPreference } from '@common/schemas'
import { activateBackend } from '../src-main/engine/backend'
import { applyAveragedGradients } from '../src-main/engine/backend/data-parallel/averaged-step'
import {
  GradientExchange,
  createExchangeBuffer,
} from '../src-main/engine/backend/data-parallel/gradient-exchange'
import type { ExchangeShape } from '../src-main/engine/backend/data-parallel/gradient-exchange'
import { createNotebookTrainer } from './notebook-step'
import type { NotebookTrainer } from './notebook-step'

interface ReplicaData {
  buffer: SharedArrayBuffer
  replica: number
  shape: ExchangeShape
  backend: BackendPreference
  batch: number
}

/** `steps` synchronous data-parallel steps of this replica; returns its last loss. */
export async function replicaSteps(
  trainer: NotebookTrainer,
  exchange: GradientExchange,
  steps: number,
): Promise<number> {
  let last = NaN
  for (let s = 0; s < steps; s++) {
    const { loss, grads } = trainer.gradients()
    await applyAveragedGradients(exchange, trainer.optimizer, trainer.variables, grads)
    last = (await loss.data())[0]
    loss.dispose()
  }
  return last
}

/** The main thread's handle on a group of `replicas` (itself plus replicas-1 workers). */
export interface ReplicaGroup {
  trainer: NotebookTrainer
  /** Runs `steps` steps on every replica in lockstep. */
  train(steps: number): Promise<number>
  close(): Promise<void>
}

export async function startReplicaGroup(
  backend: BackendPreference,
  replicas: number,
  batch: number,
): Promise<ReplicaGroup> {
  const share = batch / replicas
  if (!Number.isInteger(share)) throw new Error(`batch ${batch} does not split into ${replicas} equal shares`)
  const trainer = createNotebookTrainer(share, 1)
  const shape: ExchangeShape = { replicas, sizes: trainer.variables.map((v) => v.size) }
  const buffer = createExchangeBuffer(shape)
  const exchange = new GradientExchange(buffer, 0, shape)
  // Workers run this file's TypeScript through tsx, as the parent does.
  const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(__filename)})`
  const workers = await Promise.all(
    Array.from({ length: replicas - 1 }, (_, i) => {
      const data: ReplicaData = { buffer, replica: i + 1, shape, backend, batch: share }
      const worker = new Worker(bootstrap, { eval: true, workerData: data })
      return new Promise<Worker>((resolve, reject) => {
        worker.once('message', () => resolve(worker))
        worker.once('error', reject)
      })
    }),
  )
  return {
    trainer,
    async train(steps) {
      const done = workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', () => resolve())
            w.once('error', reject)
          }),
      )
      for (const w of workers) w.postMessage({ steps })
      const loss = await replicaSteps(trainer, exchange, steps)
      await Promise.all(done)
      return loss
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()))
      trainer.dispose()
    },
  }
}

async function workerMain(data: ReplicaData): Promise<void> {
  await activateBackend(data.backend)
  const trainer = createNotebookTrainer(data.batch, 1)
  const exchange = new GradientExchange(data.buffer, data.replica, data.shape)
  parentPort!.on('message', async (message: { steps: number }) => {
    await replicaSteps(trainer, exchange, message.steps)
    parentPort!.postMessage('done')
  })
  parentPort!.postMessage('ready')
}

if (!isMainThread && (workerData as ReplicaData | undefined)?.buffer)
  void workerMain(workerData as ReplicaData)
