/**
 * The presets every install has, in one place: the new-run form offers them and the CLI's
 * `train --preset NAME` applies them (flags given with it override the preset).
 */
import { NO_AUGMENTATION } from './recipe'
import { NOTEBOOK_ARCHITECTURE, architectureSchema, type Architecture, type Preset } from './schemas'

/**
 * cdeotte's MNIST-CNN-99.75 network (Kaggle, 2018): two stacks of 3x3, 3x3 and a stride-2 5x5
 * convolution, each with batch normalization and followed by dropout 0.4, then a 4x4
 * convolution of 128, dropout 0.4 and the output layer.
 */
export const BEST_ACCURACY_ARCHITECTURE: Architecture = architectureSchema.parse({
  convBlocks: [
    { filters: 32, kernelSize: 3, convs: 2, batchNorm: true, pooling: 'none' },
    {
      filters: 32,
      kernelSize: 5,
      stride: 2,
      padding: 'same',
      batchNorm: true,
      pooling: 'none',
      dropout: 0.4,
    },
    { filters: 64, kernelSize: 3, convs: 2, batchNorm: true, pooling: 'none' },
    {
      filters: 64,
      kernelSize: 5,
      stride: 2,
      padding: 'same',
      batchNorm: true,
      pooling: 'none',
      dropout: 0.4,
    },
    { filters: 128, kernelSize: 4, batchNorm: true, pooling: 'none', dropout: 0.4 },
  ],
  denseLayers: [],
})

/** Everything a recipe sets beyond the network, as a run without them trained. */
const PLAIN_RECIPE = {
  augmentation: NO_AUGMENTATION,
  schedule: { kind: 'constant' },
  warmupEpochs: 0,
  weightDecay: 0,
  labelSmoothing: 0,
  gradientClipNorm: null,
  monitor: 'val_accuracy',
  keepBest: false,
  earlyStopping: null,
} as const satisfies Preset['config']

/** The presets every install has; names are unique regardless of case. */
export const BUILTIN_PRESETS: readonly Preset[] = [
  {
    /** The seed notebook's recipe, unchanged: all 60,000 images trained, validated on the test set. */
    name: 'Notebook',
    config: {
      ...PLAIN_RECIPE,
      epochs: 50,
      batchSize: 100,
      learningRate: 1e-4,
      optimizer: 'adam',
      trainLimit: null,
      validationSplit: 0,
      architecture: NOTEBOOK_ARCHITECTURE,
    },
  },
  { name: 'Quick look', config: { epochs: 1, trainLimit: 2000 } },
  {
    /**
     * cdeotte's network and augmentation with a one-cycle schedule; the best epoch by validation
     * is kept. 20 epochs: about 35 minutes for two wasm replicas on a 2-core AMD EPYC (a run
     * measured 337 samples per CPU-second, so about 600 a second on an idle machine), leaving
     * room within 45.
     */
    name: 'Best accuracy',
    config: {
      ...PLAIN_RECIPE,
      epochs: 20,
      batchSize: 128,
      learningRate: 2e-3,
      optimizer: 'adam',
      trainLimit: null,
      validationSplit: 0.1,
      architecture: BEST_ACCURACY_ARCHITECTURE,
      augmentation: { rotation: 10, zoom: 0.1, shift: 0.1, horizontalFlip: false },
      schedule: { kind: 'one-cycle', peakAt: 0.3, startFactor: 0.04, finalFactor: 4e-6 },
      keepBest: true,
    },
  },
]

/** The preset called `name` (case and surrounding spaces ignored) among `presets`, if any. */
export function findPreset(name: string, presets: readonly Preset[] = BUILTIN_PRESETS): Preset | undefined {
  const wanted = name.trim().toLowerCase()
  return presets.find((p) => p.name.trim().toLowerCase() === wanted)
}
