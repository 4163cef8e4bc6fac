/**
 * The workbench side of the benchmark, as a child process of bench.ts: activates one backend,
 * builds the notebook network (optionally as data-parallel replicas on worker threads) and
 * answers the same line-JSON commands as pytorch_peer.py --serve.
 *
 *   tsx bench/workbench-runner.ts --backend wasm --replicas 2 --batch 100
 */
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { backendPreferenceSchema } from '@common/schemas'
import { activateBackend } from '../src-main/engine/backend'
import { profileTrainingStep } from '../src-main/engine/backend/profile'
import { startReplicaGroup } from './replica'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      replicas: { type: 'string', default: '1' },
      batch: { type: 'string', default: '100' },
    },
  })
  const backend = backendPreferenceSchema.parse(values.backend)
  const replicas = Number(values.replicas)
  const batch = Number(values.batch)
  const { used } = await activateBackend(backend)
  const group = await startReplicaGroup(backend, replicas, batch)
  const reply = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`)
  const stats = () => ({
    framework: 'workbench',
    backend: used,
    replicas,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  })
  reply({ ready: true, ...stats() })

  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as { cmd: string; steps?: number; count?: number; rounds?: number }
    if (command.cmd === 'train') {
      const steps = command.steps ?? 1
      const cpu = process.cpuUsage()
      const started = performance.now()
      const loss = await group.train(steps)
      const seconds = (performance.now() - started) / 1000
      const cpuUsed = process.cpuUsage(cpu)
      reply({ samples: steps * batch, seconds, cpuSeconds: (cpuUsed.user + cpuUsed.system) / 1e6, loss })
    } else if (command.cmd === 'infer') {
      const count = command.count ?? 1000
      const rounds = command.rounds ?? 3
      await group.trainer.infer(count)
      const started = performance.now()
      for (let r = 0; r < rounds; r++) await group.trainer.infer(count)
      reply({ samples: count * rounds, seconds: (performance.now() - started) / 1000 })
    } else if (command.cmd === 'profile') {
      // One replica's step (its share of the batch), kernel by kernel.
      const profile = await profileTrainingStep(() => group.trainer.step())
      reply({ ...profile, kernels: profile.kernels.slice(0, 15), tensors: tf.memory().numTensors })
    } else if (command.cmd === 'stats') {
      reply(stats())
    } else if (command.cmd === 'quit') {
      break
    } else {
      reply({ error: `unknown command ${command.cmd}` })
    }
  }
  await group.close()
}

main().catch((error: unknown) => {
  process.stdout.write(
    `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
  )
  process.exit(1)
})
