import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import {
  ExchangeAbortedError,
  GradientExchange,
  createExchangeBuffer,
  type ExchangeShape,
} from './gradient-exchange'

/**
 * A worker thread that loads gradient-exchange.ts itself (through tsx's require hook) and runs
 * `steps` exchanges as `replica`; resolves to the means it received.
 */
function startExchangeWorker(data: {
  buffer: SharedArrayBuffer
  shape: ExchangeShape
  replica: number
  steps: number
}): { worker: Worker; result: Promise<number[][][]> } {
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs')
  const module = join(__dirname, 'gradient-exchange.ts')
  const worker = new Worker(
    `
    require(${JSON.stringify(tsx)})
    const { GradientExchange } = require(${JSON.stringify(module)})
    const { workerData: { buffer, shape, replica, steps }, parentPort } = require('node:worker_threads')
    const exchange = new GradientExchange(buffer, replica, shape, 60000)
    // A pending Atomics.waitAsync does not keep a thread alive (the replica entry's port does).
    const alive = setInterval(() => {}, 60000)
    ;(async () => {
      const means = []
      for (let step = 0; step < steps; step++) {
        const grads = [new Float32Array([replica + step, 10 * replica, -replica]), new Float32Array([step])]
        const mean = await exchange.allReduceMean(grads)
        means.push(mean.map((m) => Array.from(m)))
      }
      parentPort.postMessage(means)
    })()
      .catch((error) => {
        exchange.abort()
        parentPort.postMessage(String(error))
      })
      .finally(() => clearInterval(alive))
    `,
    { eval: true, workerData: data },
  )
  const result = new Promise<number[][][]>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  return { worker, result }
}

describe('GradientExchange', () => {
  it('gives every replica the mean of all replicas, step after step', async () => {
    const shape = { replicas: 3, sizes: [4, 2] }
    const buffer = createExchangeBuffer(shape)
    const replicas = [0, 1, 2].map((r) => new GradientExchange(buffer, r, shape))
    for (let step = 0; step < 5; step++) {
      // Replicas arrive in a different order each step; all run in this one thread.
      const order = [step % 3, (step + 1) % 3, (step + 2) % 3]
      const results = await Promise.all(
        order.map(async (r) => {
          const grads = [new Float32Array([r, r + 1, r + 2, step]), new Float32Array([10 * r, -r])]
          const mean = await replicas[r].allReduceMean(grads)
          return { r, mean: mean.map((m) => Array.from(m)) }
        }),
      )
      for (const { mean } of results) {
        expect(mean).toEqual([
          [1, 2, 3, step],
          [10, -1],
        ])
      }
    }
  })

  it('averages across worker threads, each running its own GradientExchange', async () => {
    const shape = { replicas: 3, sizes: [3, 1] }
    const buffer = createExchangeBuffer(shape)
    const workers = [1, 2].map((replica) => startExchangeWorker({ buffer, shape, replica, steps: 4 }))
    const exchange = new GradientExchange(buffer, 0, shape, 60_000)
    for (let step = 0; step < 4; step++) {
      // Replica r sends [r + step, 10 r, -r] and [step]: the mean is [1 + step, 10, -1] and [step].
      const mean = await exchange.allReduceMean([new Float32Array([step, 0, 0]), new Float32Array([step])])
      expect(mean.map((m) => Array.from(m))).toEqual([[1 + step, 10, -1], [step]])
    }
    // What each worker got back, step by step: the same means.
    const seen = await Promise.all(workers.map((w) => w.result))
    for (const means of seen) {
      expect(means).toEqual([0, 1, 2, 3].map((step) => [[1 + step, 10, -1], [step]]))
    }
    await Promise.all(workers.map((w) => w.worker.terminate()))
  })

  it('weights a replica by its share', async () => {
    const shape = { replicas: 2, sizes: [1] }
    const buffer = createExchangeBuffer(shape)
    const [a, b] = [0, 1].map((r) => new GradientExchange(buffer, r, shape))
    const [mean] = await Promise.all([
      a.allReduceMean([new Float32Array([1])], 1.5),
      b.allReduceMean([new Float32Array([3])], 0.5),
    ])
    expect(Array.from(mean[0])).toEqual([1.5])
  })

  it('gives up on a replica that does not arrive in time, and wakes the others on abort', async () => {
    const shape = { replicas: 3, sizes: [1] }
    const buffer = createExchangeBuffer(shape)
    const a = new GradientExchange(buffer, 0, shape, 50)
    const [b, c] = [1, 2].map((r) => new GradientExchange(buffer, r, shape))
    const waiting = expect(b.allReduceMean([new Float32Array([1])])).rejects.toThrow(/aborted/)
    await expect(a.allReduceMean([new Float32Array([1])])).rejects.toThrow(ExchangeAbortedError)
    await waiting
    await expect(c.allReduceMean([new Float32Array([1])])).rejects.toThrow(/aborted/)
  })
})
