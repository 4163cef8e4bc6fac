import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { ExchangeAbortedError, GradientExchange, createExchangeBuffer } from './gradient-exchange'

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

  it('averages across worker threads', async () => {
    const shape = { replicas: 2, sizes: [3] }
    const buffer = createExchangeBuffer(shape)
    // The worker is plain JS that waits on the same counters the class uses (it cannot import TS).
    const worker = new Worker(
      `
      const { workerData, parentPort } = require('node:worker_threads')
      const control = new Int32Array(workerData.buffer, 0, 2)
      const floats = 3
      for (let step = 0; step < 3; step++) {
        const generation = Atomics.load(control, 1)
        const slot = new Float32Array(workerData.buffer, 16 + ((generation & 1) * 2 + 1) * floats * 4, floats)
        slot.set([2 * step, 4, 6])
        if (Atomics.add(control, 0, 1) + 1 === 2) {
          Atomics.store(control, 0, 0); Atomics.add(control, 1, 1); Atomics.notify(control, 1)
        } else {
          while (Atomics.load(control, 1) === generation) Atomics.wait(control, 1, generation)
        }
      }
      parentPort.postMessage('done')
      `,
      { eval: true, workerData: { buffer } },
    )
    const exchange = new GradientExchange(buffer, 0, shape)
    for (let step = 0; step < 3; step++) {
      const [mean] = await exchange.allReduceMean([new Float32Array([0, 0, 2])])
      expect(Array.from(mean)).toEqual([step, 2, 4])
    }
    await new Promise((resolve) => worker.once('message', resolve))
    await worker.terminate()
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
