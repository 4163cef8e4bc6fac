/**
 * The workbench side of the benchmark, as a child process of bench.ts: activates one backend,
 * builds the workload's network and trains it with its recipe through the engine's own step (the
 * single-replica loop's step, or the data-parallel replica group of a training run), and answers
 * the same line-JSON commands as pytorch_peer.py --serve. Inference is the validation step.
 *
 *   tsx bench/workbench-runner.ts --backend wasm --replicas 2 --workload best [--architecture JSON]
 */
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { augments } from '@common/recipe'
import { batchesPerEpoch, learningRateAt } from '@common/schedule'
import { backendPreferenceSchema } from '@common/schemas'
import { activateBackend } from '../src-main/engine/backend'
import { profileTrainingStep } from '../src-main/engine/backend/profile'
import { simdFeatures } from '../src-main/engine/backend/wasm-kernels/simd/features'
import { buildModel } from '../src-main/engine/model/build-model'
import type { ImageSet } from '../src-main/engine/train/batches'
import {
  singleReplicaStep,
  stepImages,
  type TrainingData,
  type TrainStep,
} from '../src-main/engine/train/loop'
import { createOptimizer } from '../src-main/engine/train/optimizer'
import { startReplicaGroup } from '../src-main/engine/train/replicas'
import { Rng } from '../src-main/engine/train/rng'
import {
  TrainingStep,
  drawSeeds,
  evaluateBatch,
  stepRecipe,
  type EvaluateBatch,
  type StepInput,
} from '../src-main/engine/train/step'
import { parseWorkload, workloadConfig } from './workloads'

/** `count` random 28x28 images and labels: the speed of a step does not depend on the pixels. */
function randomImages(count: number, rng: Rng): ImageSet {
  const images = new Uint8Array(count * 28 * 28).map(() => rng.nextUint32() & 255)
  const labels = new Uint8Array(count).map(() => rng.nextUint32() % 10)
  return { images, labels, count }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      replicas: { type: 'string', default: '1' },
      workload: { type: 'string', default: 'notebook' },
      // The network as JSON, when the bench was given one.
      architecture: { type: 'string' },
    },
  })
  const backend = backendPreferenceSchema.parse(values.backend)
  const replicas = Number(values.replicas)
  const architecture =
    values.architecture === undefined ? undefined : (JSON.parse(values.architecture) as unknown)
  const config = workloadConfig(parseWorkload(values.workload!), architecture)
  const batch = config.batchSize
  tf.env().set('PROD', true)
  const { used } = await activateBackend(backend)
  const rng = new Rng(config.seed)
  const augmentRng = new Rng(config.seed + 1)
  const validation = randomImages(1000, rng)
  const data: TrainingData = {
    rows: 28,
    cols: 28,
    channels: 1,
    numClasses: 10,
    train: randomImages(20 * batch, rng),
    validation,
    test: validation,
  }
  const model = buildModel(config.architecture, [28, 28, 1], 10, config.seed)
  const optimizer = createOptimizer(config)
  const group =
    replicas > 1 ? await startReplicaGroup({ replicas, backend, model, optimizer, config, data }) : null
  const step: TrainStep =
    group?.step ??
    singleReplicaStep(new TrainingStep(model, optimizer, stepImages(data, 'train'), stepRecipe(config)))
  // Validation as a run does it: shared between the replicas.
  const validationImages = stepImages(data, 'validation')
  const evaluate: EvaluateBatch =
    group?.evaluate ?? ((start, count) => evaluateBatch(model, validationImages, start, count))
  const order = rng.shuffle(Int32Array.from({ length: data.train.count }, (_, i) => i))
  // The schedule runs as over epochs of MNIST's 54,000 training images, from the run's start.
  const batches = batchesPerEpoch(54_000, batch)
  let next = 0
  /** The step's schedule and augmentation, as the loop gives them to step `at`. */
  const recipeAt = (at: number) => ({
    augmentSeed: augments(config.augmentation) ? augmentRng.nextUint32() : null,
    learningRate: learningRateAt(config, 1 + Math.floor(at / batches), at % batches, batches),
  })
  const trainOnce = () => {
    const start = (next * batch) % data.train.count
    return step({ indices: order.subarray(start, start + batch), rng, ...recipeAt(next++) })
  }

  const reply = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`)
  const stats = () => ({
    framework: 'workbench',
    backend: used,
    replicas,
    batch,
    simd: used.name === 'wasm' ? simdFeatures() : used.device,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  })
  reply({ ready: true, ...stats() })

  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as { cmd: string; steps?: number; count?: number; rounds?: number }
    if (command.cmd === 'train') {
      const steps = command.steps ?? 1
      const cpu = process.cpuUsage()
      const started = performance.now()
      let loss = NaN
      for (let s = 0; s < steps; s++) loss = (await trainOnce()).loss
      const seconds = (performance.now() - started) / 1000
      const cpuUsed = process.cpuUsage(cpu)
      reply({ samples: steps * batch, seconds, cpuSeconds: (cpuUsed.user + cpuUsed.system) / 1e6, loss })
    } else if (command.cmd === 'infer') {
      const count = Math.min(command.count ?? batch, data.test.count)
      const rounds = command.rounds ?? 3
      await evaluate(0, count)
      const started = performance.now()
      for (let r = 0; r < rounds; r++) await evaluate(0, count)
      reply({ samples: count * rounds, seconds: (performance.now() - started) / 1000 })
    } else if (command.cmd === 'profile') {
      // What one replica computes in a step (its part of the batch), kernel by kernel, on a
      // copy of the model, so the replicas' own weights stay identical.
      const copy = buildModel(config.architecture, [28, 28, 1], 10, config.seed)
      const copyOptimizer = createOptimizer(config)
      const single = new TrainingStep(copy, copyOptimizer, stepImages(data, 'train'), stepRecipe(config))
      const indices = order.subarray(0, Math.ceil(batch / replicas))
      const { augmentSeed, learningRate } = recipeAt(next)
      const input: StepInput = {
        indices,
        dropoutSeeds: drawSeeds(rng, single.dropoutLayers),
        augment: augmentSeed === null ? null : { seed: augmentSeed, offset: 0 },
        learningRate,
      }
      const profile = await profileTrainingStep(() => single.run(input))
      copy.dispose()
      copyOptimizer.dispose()
      reply({ ...profile, images: indices.length, tensors: tf.memory().numTensors })
    } else if (command.cmd === 'stats') {
      reply(stats())
    } else if (command.cmd === 'quit') {
      break
    } else {
      reply({ error: `unknown command ${command.cmd}` })
    }
  }
  await group?.close()
}

main().catch((error: unknown) => {
  process.stdout.write(
    `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
  )
  process.exit(1)
})
