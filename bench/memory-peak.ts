/**
 * Measures what src-common/memory.ts estimates: the wasm heap's size (it only grows) in a fresh
 * process after two training steps, or after one validation batch, of a network on 28x28 images,
 * and prints it beside the estimate. The measured peaks in memory-check.test.ts come from here.
 *
 *   npx tsx bench/memory-peak.ts train|validate BATCH [adam|sgd|rmsprop] [MOMENTUM] [ARCHITECTURE_JSON]
 *
 * One measurement a process: the heap never shrinks, so a second one would read the first's.
 */
import * as tf from '@tensorflow/tfjs-core'
import { estimateRunMemory } from '@common/memory'
import { NO_AUGMENTATION } from '@common/recipe'
import { NOTEBOOK_ARCHITECTURE, architectureSchema, optimizerSchema, runConfigSchema } from '@common/schemas'
import { activateBackend } from '../src-main/engine/backend'
import { buildModel } from '../src-main/engine/model/build-model'
import { planLayers } from '../src-main/engine/model/architecture'
import { createOptimizer } from '../src-main/engine/train/optimizer'
import { TrainingStep, evaluateBatch, stepRecipe } from '../src-main/engine/train/step'
import { barImages } from '../src-main/engine/train/test-data'

const MIB = 1024 ** 2

async function main(): Promise<void> {
  const [moment, batchText, optimizerText = 'adam', momentumText = '0.9', architectureText] =
    process.argv.slice(2)
  if (moment !== 'train' && moment !== 'validate') throw new Error('The first argument is train or validate.')
  const batchSize = Number(batchText)
  const architecture = architectureSchema.parse(
    architectureText ? JSON.parse(architectureText) : NOTEBOOK_ARCHITECTURE,
  )
  const config = runConfigSchema.parse({
    architecture,
    batchSize,
    optimizer: optimizerSchema.parse(optimizerText),
    momentum: Number(momentumText),
    backend: 'wasm',
    augmentation: NO_AUGMENTATION,
  })
  await activateBackend('wasm')
  const images = { set: barImages(batchSize, 28, 28), rows: 28, cols: 28, channels: 1, numClasses: 10 }
  const model = buildModel(architecture, [28, 28, 1], 10, config.seed)
  if (moment === 'train') {
    const step = new TrainingStep(model, createOptimizer(config), images, stepRecipe(config))
    const indices = Int32Array.from({ length: batchSize }, (_, i) => i)
    const dropoutSeeds = Array.from({ length: step.dropoutLayers }, (_, i) => i + 1)
    // The second step is the first with the optimizer's state in place.
    for (let i = 0; i < 2; i++) await step.run({ indices, dropoutSeeds, augment: null, learningRate: 1e-3 })
  } else {
    await evaluateBatch(model, images, 0, batchSize)
  }
  const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.byteLength
  const { moments } = estimateRunMemory({
    layers: planLayers(architecture, [28, 28, 1], 10),
    batchSize,
    replicas: 1,
    optimizer: config.optimizer,
    momentum: config.momentum,
    backend: 'wasm',
  })
  // A validation batch here is `batchSize` images; the estimate's validation moment assumes the run's.
  const estimate = moment === 'train' ? Math.max(moments.parameters, moments.training) : moments.validation
  console.log(`${moment} at ${batchSize} (${config.optimizer}): ${(heap / MIB).toFixed(0)} MiB measured`)
  if (moment === 'train' || batchSize >= 500) console.log(`estimate: ${(estimate / MIB).toFixed(0)} MiB`)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
})
