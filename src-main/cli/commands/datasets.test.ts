import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clearDatasetCache } from '../../engine/data'
import { truncatedJpeg, writeShapesFolder } from '../../engine/data/image-folder.fixtures'
import { inProcessTrainerLaunch } from '../../engine/train/in-process-launch'
import { TINY_ARCHITECTURE } from '../../engine/train/test-data'
import { main } from '../main'
import { captureOutput } from './testing'
import { runTrain } from './train'

let root: string
let shapes: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-cli-images-'))
  shapes = await writeShapesFolder(join(root, 'shapes'), { perClass: 10, width: 20, height: 16 })
  await writeFile(join(shapes, 'circle', 'broken.jpg'), await truncatedJpeg())
  await mkdir(join(shapes, 'nothing'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** Runs the CLI with captured output (training in this process). */
function cli(argv: string[]) {
  return captureOutput((streams) =>
    argv[0] === 'train'
      ? runTrain(argv.slice(1), { ...streams, launch: inProcessTrainerLaunch() }).catch(() => -1)
      : main(argv, streams),
  )
}

describe('npm run datasets -- inspect', () => {
  it('prints what the app makes of a folder: kind, input, classes and counts, what it skipped', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    const result = await cli(['datasets', 'inspect', shapes, '--home', home])
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    const lines = result.out.split('\n')
    expect(lines).toContain('shapes (folder): 24 training and 6 test images in 3 classes.')
    expect(lines).toContain(
      'a folder of class subfolders of images, input 16×16 RGB, centre crop; a fifth of each class split off for testing.',
    )
    expect(lines).toContain('Image sizes: 20×16.')
    expect(lines).toContain('Skipped 1 file that could not be decoded:')
    // libvips's detail can be lost while other files decode (decoderReason): either reason is its own.
    expect(lines.find((line) => line.startsWith('  circle/broken.jpg: '))).toMatch(
      /premature end of JPEG|corrupt header/,
    )
    expect(lines).toContain('Class folders without a usable image, left out: nothing.')
    expect(lines).toContain(`${'circle'.padEnd(24)} ${'8'.padStart(7)} ${'2'.padStart(7)}`)

    const json = await cli([
      'datasets',
      'inspect',
      shapes,
      '--input-size',
      '8',
      '--color',
      'grey',
      '--json',
      '--home',
      home,
    ])
    expect(json.code).toBe(0)
    expect(JSON.parse(json.out)).toMatchObject({
      format: 'images',
      input: { inputSize: 8, color: 'grey', fit: 'crop' },
      inputShape: [8, 8, 1],
      classes: [
        { name: 'circle', train: 8, test: 2 },
        { name: 'square', train: 8, test: 2 },
        { name: 'triangle', train: 8, test: 2 },
      ],
      report: { skippedCount: 1, emptyClasses: ['nothing'] },
    })
    // Nothing was written in the folder: the decoded images are in the home's cache.
    expect((await readdir(join(home, 'cache', 'datasets'))).length).toBe(2)
    expect(await readdir(shapes)).toEqual(['circle', 'nothing', 'square', 'triangle'])
  })

  it('exits 2 with one sentence for an empty folder, and for a folder of one class', async () => {
    const empty = await mkdtemp(join(root, 'empty-'))
    const result = await cli(['datasets', 'inspect', empty])
    expect(result.code).toBe(2)
    expect(result.err).toBe(
      `The folder ${empty} holds no data set: no class subfolders of images, no CIFAR-10 batches (data_batch_1.bin, test_batch.bin) and no IDX files (train-images-idx3-ubyte and the other three).\n`,
    )
    const one = await writeShapesFolder(join(root, 'one'), {
      perClass: 3,
      classes: [{ name: 'dot', color: [1, 2, 3], shape: 'circle' }],
    })
    const single = await cli(['datasets', 'inspect', one])
    expect(single.code).toBe(2)
    expect(single.err).toMatch(
      /has images of one class only \(dot\); a classifier needs at least two class folders\.\n$/,
    )
  })
})

describe('npm run train on a folder of images', () => {
  const train = (home: string, ...extra: string[]) =>
    cli([
      'train',
      '--dataset',
      shapes,
      '--architecture',
      JSON.stringify(TINY_ARCHITECTURE),
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--backend',
      'cpu',
      '--home',
      home,
      ...extra,
    ])

  it('decodes the folder once, says what it skipped, trains, and the next run reuses the cache', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    const first = await train(home, '--input-size', '12')
    expect(first.err).toBe('')
    expect(first.code).toBe(0)
    expect(first.out).toMatch(/^Decoding 31 images of shapes\.\.\.$/m)
    expect(first.out).toMatch(/^Decoded 31 images of shapes in \d+\.\d s, 1 skipped\.$/m)
    expect(first.out).toMatch(/^3 classes: circle, square, triangle\.$/m)
    expect(first.out).toMatch(/^ {2}circle\/broken\.jpg: .*(premature end of JPEG|corrupt header)/m)
    expect(first.out).toMatch(/^Completed run /m)

    clearDatasetCache()
    const second = await train(home, '--input-size', '12')
    expect(second.code).toBe(0)
    expect(second.out).not.toMatch(/Decod/)
    expect(second.out).toMatch(/^Completed run /m)
  })

  it('exits 2 and writes no run for an empty folder or input flags without a folder', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    const empty = await mkdtemp(join(root, 'empty-'))
    const cases = [
      [['--dataset', empty], /^The folder .* holds no data set: /],
      [
        ['--dataset', 'mnist', '--color', 'rgb'],
        /^--color applies to a folder data set \(--dataset FOLDER\)\.\n$/,
      ],
      [
        ['--dataset', shapes, '--input-size', '300'],
        /^--input-size must be a whole number from 8 to 256, not 300\.\n$/,
      ],
      [['--dataset', shapes, '--fit', 'zoom'], /^--fit must be one of crop, pad, stretch, not "zoom"\.\n$/],
    ] as const
    for (const [argv, message] of cases) {
      const result = await cli(['train', ...argv, '--home', home])
      expect(result.code, argv.join(' ')).toBe(2)
      expect(result.err).toMatch(message)
    }
    expect(await readdir(home).catch(() => [])).not.toContain('runs')
  })
})
