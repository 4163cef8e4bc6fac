/**
 * A run on a folder of colour images, from start to export, with a real training process: the
 * main side decodes the folder once (with progress) into the data set cache, the trainer reads
 * that cache, the inspector looks at colour inputs and uploaded files, and the exported model
 * carries what a plain tfjs program needs to use it.
 */
import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { loadDataset, decodeImage } from '../data'
import { truncatedJpeg, writeShapesFolder } from '../data/image-folder.fixtures'
import { scanImageFolder } from '../data/image-folder'
import { planParts } from '../data/image-set'
import { RunInspector } from '../inspect'
import { exportModel } from './export-model'
import { barRunConfig, managerOnFreshHome, useBarDataRoot } from './test-helpers'

const where = useBarDataRoot('cnn-image-run-')

/** What a program that knows only tfjs and an image library does with an exported model and a PNG. */
async function predictLikeAStranger(modelJson: string, weights: Buffer, png: Buffer) {
  const json = JSON.parse(modelJson) as {
    modelTopology: object
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[]
    userDefinedMetadata: {
      inputShape: [number, number, number]
      resize: { size: number; fit: 'crop' | 'pad' | 'stretch' }
      pixelScaling: { scale: number; offset: number }
      classNames: string[]
    }
  }
  const model = await tfl.loadLayersModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: new Uint8Array(weights).buffer,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  })
  const meta = model.getUserDefinedMetadata() as typeof json.userDefinedMetadata
  const [height, width, channels] = meta.inputShape
  const fit = { crop: 'cover', pad: 'contain', stretch: 'fill' } as const
  const { data } = await sharp(png)
    .removeAlpha()
    .toColourspace('srgb')
    .resize(width, height, { fit: fit[meta.resize.fit], background: '#000' })
    .raw()
    .toBuffer({ resolveWithObject: true })
  expect(channels).toBe(3)
  const input = Float32Array.from(data, (x) => x * meta.pixelScaling.scale + meta.pixelScaling.offset)
  const logits = tf.tidy(() => model.predict(tf.tensor4d(input, [1, height, width, channels])) as tf.Tensor)
  const values = Array.from(await logits.data())
  logits.dispose()
  model.dispose()
  return { className: meta.classNames[values.indexOf(Math.max(...values))], logits: values }
}

describe('a run on a folder of colour images', { timeout: 180_000 }, () => {
  it('decodes once, trains, inspects in colour, and exports a model a plain tfjs program can use', async () => {
    const folder = await writeShapesFolder(join(where.root, 'shapes'), { perClass: 20, width: 16 })
    await writeFile(join(folder, 'square', 'broken.jpg'), await truncatedJpeg())
    const { home, manager, events } = await managerOnFreshHome(where.root)
    // Flips and small turns: augmentation moves the three channels of each picture alike.
    const augmentation = { horizontalFlip: true, rotation: 10 }
    const config = barRunConfig(folder, { epochs: 4, batchSize: 12, replicas: 2, augmentation })
    const started = await manager.start(config)

    // The folder was decoded on the main side, with progress, before the trainer started.
    const decoding = events.flatMap((e) => (e.channel === 'datasets.decoding' ? [e.payload] : []))
    expect(decoding.at(-1)).toMatchObject({ dataset: config.dataset, done: 61, total: 61, skipped: 1 })
    expect(started.config.dataset).toEqual({
      kind: 'folder',
      path: folder,
      inputSize: 16,
      color: 'rgb',
      fit: 'crop',
    })
    expect(started.dataset).toMatchObject({
      classNames: ['circle', 'square', 'triangle'],
      inputShape: [16, 16, 3],
      trainCount: 48,
      testCount: 12,
    })
    const cacheDir = join(home, 'cache', 'datasets')
    const [cacheFile] = await readdir(cacheDir)
    const before = await stat(join(cacheDir, cacheFile))

    const final = await manager.waitFor(started.id)
    expect(final.status).toBe('completed')
    expect(final.backend?.threads).toBe(2)
    expect(final.summary!.valAccuracy).toBeGreaterThan(0.8)
    // The trainer read the cache the main side wrote; it did not decode and write it again.
    expect(await readdir(cacheDir)).toEqual([cacheFile])
    const after = await stat(join(cacheDir, cacheFile))
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs])

    const inspector = new RunInspector({ home })
    try {
      const first = await inspector.activations(started.id, { kind: 'test', index: 0 })
      expect(first.input.shape).toEqual([16, 16, 3])
      expect(first.filters.shape).toEqual([3, 3, 3, 4])
      expect(first.layers.map((l) => [l.name, l.activations.shape])).toEqual([
        ['conv1', [14, 14, 4]],
        ['pool1', [7, 7, 4]],
      ])
      expect(first.classNames).toEqual(['circle', 'square', 'triangle'])
      const images = await inspector.images(started.id, [0, 1])
      expect([images.channels, Buffer.from(images.pixelsBase64, 'base64').length]).toEqual([3, 2 * 768])
      const evaluation = await inspector.evaluate(started.id)
      expect(evaluation.confusion).toHaveLength(3)
      expect(evaluation.count).toBe(12)

      // An uploaded file is prepared as the training images were: the same input, the same answer.
      const testFile = planParts(await scanImageFolder(folder)).test.find((f) => f.className === 'triangle')!
      const png = await readFile(testFile.absolute)
      const dataset = await loadDataset(started.config.dataset, { home })
      const decoded = (await decodeImage(png, dataset.report!.input)).pixels
      const index = Array.from({ length: dataset.test.count }, (_, i) => i).find((i) =>
        Buffer.from(dataset.test.images.subarray(i * 768, (i + 1) * 768)).equals(Buffer.from(decoded)),
      )
      expect(index).toBeDefined()
      const uploaded = await inspector.activations(started.id, {
        kind: 'file',
        bytesBase64: png.toString('base64'),
      })
      const fromTestSet = await inspector.activations(started.id, { kind: 'test', index: index! })
      expect(uploaded.input.dataBase64).toBe(fromTestSet.input.dataBase64)
      expect(uploaded.probabilities).toEqual(fromTestSet.probabilities)
      await expect(
        inspector.activations(started.id, {
          kind: 'file',
          bytesBase64: Buffer.from('not an image').toString('base64'),
        }),
      ).rejects.toThrow(/^The file cannot be read as an image: .*unsupported image format\.$/)

      // The exported model, used by a program that knows only tfjs, sharp and the metadata.
      const exported = await exportModel(home, started.id)
      const stranger = await predictLikeAStranger(
        exported.modelJson,
        Buffer.from(exported.weightsBase64, 'base64'),
        png,
      )
      expect(stranger.className).toBe(uploaded.classNames[uploaded.predicted])
      const probabilities = tf.tidy(() => tf.softmax(tf.tensor1d(stranger.logits)).arraySync() as number[])
      probabilities.forEach((p, i) => expect(p).toBeCloseTo(uploaded.probabilities[i], 4))
    } finally {
      inspector.dispose()
    }
  })
})
