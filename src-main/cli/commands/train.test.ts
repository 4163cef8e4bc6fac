import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runPaths } from '../../engine/runs'
import { TrainerSlots } from '../../engine/runs/trainer-slots'
import { checkpointFolder } from '../../engine/train/checkpoint'
import { inProcessTrainerLaunch } from '../../engine/train/in-process-launch'
import { TINY_ARCHITECTURE, writeBarDataset } from '../../engine/train/test-data'
import { runRuns } from './runs'
import { captureOutput, runCli } from './testing'
import { runTrain } from './train'

let root: string
let data: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-cli-'))
  data = await writeBarDataset(join(root, 'bars'), 300, 100)
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** Runs a command with captured output; `onStdout` sees each chunk as it comes. */
async function capture(
  command: typeof runTrain | typeof runRuns,
  argv: string[],
  onStdout: (text: string) => void = () => undefined,
) {
  // Training runs in this process: the forked process is covered by the RunManager's tests.
  return captureOutput((streams) => command(argv, { ...streams, launch: inProcessTrainerLaunch() }), onStdout)
}

const tiny = () => [
  '--dataset',
  data,
  '--architecture',
  JSON.stringify(TINY_ARCHITECTURE),
  '--epochs',
  '2',
  '--batch-size',
  '30',
  '--learning-rate',
  '0.01',
  '--backend',
  'cpu',
  '--seed',
  '3',
]

describe('npm run train', () => {
  it('trains, prints an epoch a line, exits 0, and the run is listed; a resume from a bad checkpoint exits 2', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    const result = await capture(runTrain, [...tiny(), '--home', home, '--name', 'cli run'])
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    expect(result.out).toMatch(
      /^epoch 1\/2: training loss \d\.\d{4}, acc [\d.]+%; validation loss \d\.\d{4}, acc [\d.]+%/m,
    )
    expect(result.out).toMatch(/^epoch 2\/2: /m)
    expect(result.out).toMatch(/^Backend: cpu /m)
    expect(result.out).toMatch(/^Completed run \S+: validation accuracy/m)

    const list = await capture(runRuns, ['list', '--home', home])
    expect(list.code).toBe(0)
    expect(list.out).toMatch(/^ID\s+NAME\s+STATUS/)
    expect(list.out).toMatch(/cli run\s+completed\s+2\/2/)
    const [id] = await readdir(join(home, 'runs'))
    const show = await capture(runRuns, ['show', id, '--home', home, '--json'])
    expect(JSON.parse(show.out).metrics).toHaveLength(2)

    // A damaged or missing checkpoint is refused before anything is written: exit 2, one sentence.
    const paths = runPaths(home, id)
    const record = JSON.parse(await readFile(paths.record, 'utf8'))
    await writeFile(paths.record, JSON.stringify({ ...record, status: 'stopped' }))
    const modelJson = join(checkpointFolder(paths.checkpoints, 2), 'model.json')
    const goodModel = await readFile(modelJson, 'utf8')
    await writeFile(modelJson, '{')
    const damaged = await capture(runTrain, ['--resume', id, '--home', home])
    expect(damaged.code).toBe(2)
    expect(damaged.err).toBe(
      `Run ${id} cannot be resumed: the checkpoint of epoch 2 is damaged: model.json is not valid JSON.\n`,
    )
    const kept = join(home, 'kept-checkpoints')
    await cp(paths.checkpoints, kept, { recursive: true })
    await rm(paths.checkpoints, { recursive: true })
    const missing = await capture(runTrain, ['--resume', id, '--home', home])
    expect(missing.code).toBe(2)
    expect(missing.err).toBe(
      `Run ${id} cannot be resumed: the checkpoint of epoch 2 (checkpoints/epoch-000002) is missing.\n`,
    )
    expect(JSON.parse(await readFile(paths.record, 'utf8')).status).toBe('stopped')

    // Files of the right sizes that tfjs still refuses fail in the training process, by epoch.
    await mkdir(dirname(modelJson), { recursive: true })
    for (const name of ['weights.bin', 'optimizer.bin', 'state.json'])
      await cp(join(checkpointFolder(kept, 2), name), join(dirname(modelJson), name))
    await writeFile(modelJson, goodModel.replace('"shape":[3,3,1,4]', '"shape":[3,3,4,1]'))
    const refused = await capture(runTrain, ['--resume', id, '--home', home])
    expect(refused.code).toBe(1)
    expect(refused.err).toMatch(
      new RegExp(
        `^Run ${id} failed: Run ${id} cannot be resumed: the checkpoint of epoch 2 is damaged: its tensors cannot be loaded \\(.+\\)\\.\\n$`,
      ),
    )

    const deleted = await capture(runRuns, ['delete', id, '--home', home])
    expect(deleted.out).toBe(`Deleted run ${id}.\n`)
  })

  it('trains with --replicas 2 (worker threads) and records the count as threads', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    const argv = [...tiny(), '--epochs', '1', '--replicas', '2', '--home', home]
    const result = await capture(runTrain, argv)
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/^Backend: cpu .*, 2 threads$/m)
    expect(result.out).toMatch(/^Completed run \S+: validation accuracy/m)
  })

  it('trains from a preset in any case, with the flags given over it, and reports the test accuracy', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    const argv = [...tiny(), '--preset', 'BEST accuracy', '--rotation', '15', '--epochs', '1', '--home', home]
    const result = await capture(runTrain, [...argv, '--patience', '3', '--schedule', 'cosine'])
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    expect(result.out).toMatch(
      /^Run \S+ ".*": bars \(folder\), 300 training images, 30 of them held out to validate;/m,
    )
    expect(result.out).toMatch(/^Completed run \S+: .*, test accuracy [\d.]+% \(epoch 1\), /m)
    const [id] = await readdir(join(home, 'runs'))
    const record = JSON.parse(await readFile(runPaths(home, id).record, 'utf8'))
    // The preset's recipe, the flags over it: its zoom and shift stay, its architecture is replaced.
    expect(record.config).toMatchObject({
      augmentation: { rotation: 15, zoom: 0.1, shift: 0.1, horizontalFlip: false },
      schedule: { kind: 'cosine', finalFactor: 0 },
      earlyStopping: { patience: 3, minDelta: 0 },
      keepBest: true,
      validationSplit: 0.1,
      batchSize: 30,
      architecture: { convBlocks: [{ filters: 4 }] },
    })
    expect(record.summary).toMatchObject({ testEpoch: 1, bestEpoch: 1 })
    expect(await readdir(runPaths(home, id).checkpoints)).toEqual(['best-epoch-000001', 'epoch-000001'])
  })

  it('exits 2 with one sentence and writes nothing for bad input', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    const cases = [
      [['--epochs', 'many'], /^--epochs must be a whole number, not "many"\.\n$/],
      [['--optimizer', 'lbfgs'], /^--optimizer must be one of adam, sgd, rmsprop/],
      [
        ['--learning-rate', '0'],
        /^--learning-rate must be a number above 0 and at most 10, such as 1e-4, not 0\.\n$/,
      ],
      [
        ['--learning-rate', '-1'],
        /^--learning-rate must be a number above 0 and at most 10, such as 1e-4, not -1\.\n$/,
      ],
      [
        ['--learning-rate', '20'],
        /^--learning-rate must be a number above 0 and at most 10, such as 1e-4, not 20\.\n$/,
      ],
      [['--momentum', '-0.5'], /^--momentum must be a number from 0 to 0\.999, not -0\.5\.\n$/],
      [
        ['--architecture', '{"convBlocks":[{"filters":8,"kernelSize":3,"kernal":5}],"denseLayers":[]}'],
        /^--architecture has "convBlocks\.0\.kernal", which is not a field of a network\.\n$/,
      ],
      [['--dataset', join(root, 'nowhere')], /^The folder .*nowhere does not exist\.\n$/],
      [['--resume', '20260101-000000-none'], /^There is no run 20260101-000000-none\.\n$/],
      [['--resume', 'x', '--epochs', '3'], /^--resume keeps the run's own settings; drop --epochs\.\n$/],
      [['--bogus'], /^Unknown flag --bogus/],
      [
        ['--preset', 'fastest'],
        /^There is no preset "fastest"; the presets are "Notebook", "Quick look", "Best accuracy"\.\n$/,
      ],
      [['--rotation', '-5'], /^--rotation must be a number from 0 to 180, not -5\.\n$/],
      [
        ['--validation-split', '0.9'],
        /^--validation-split must be a number from 0 to 0\.5, such as 0\.1, not 0\.9\.\n$/,
      ],
      [
        ['--decay-every', '3'],
        /^--decay-every is a setting of the step schedule, not of constant; give --schedule step\.\n$/,
      ],
      [
        ['--preset', 'best accuracy', '--decay-factor', '0.5'],
        /^--decay-factor is a setting of the step and exponential schedules, not of one-cycle/,
      ],
      [['--min-delta', '0.1'], /^--min-delta needs early stopping: give --patience too\.\n$/],
      [
        ['--horizontal-flip', 'yes'],
        /^Horizontal flip is not offered for MNIST: a mirrored digit is another shape, or none\.\n$/,
      ],
      [
        ['--resume', 'x', '--preset', 'Notebook'],
        /^--resume keeps the run's own settings; drop --preset\.\n$/,
      ],
    ] as const
    for (const [argv, message] of cases) {
      const result = await capture(runTrain, [...argv, '--home', home])
      expect(result.code, argv.join(' ')).toBe(2)
      expect(result.err).toMatch(message)
      expect(result.out).toBe('')
    }
    expect(existsSync(join(home, 'runs')) ? await readdir(join(home, 'runs')) : []).toEqual([])
    const unknown = await capture(runRuns, ['show', '20260101-000000-none', '--home', home])
    expect(unknown.code).toBe(2)
  })

  it('trains a run once when two train --resume of it start together; the other exits 2 naming the holder', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    let interrupted = false
    const first = await capture(runTrain, [...tiny(), '--epochs', '4', '--json', '--home', home], (text) => {
      if (!interrupted && text.includes('"runs.progress"')) {
        interrupted = true
        process.emit('SIGINT')
      }
    })
    expect(first.code).toBe(130)
    const [id] = await readdir(join(home, 'runs'))
    const resume = () => runCli(['train', '--resume', id, '--home', home])
    const results = await Promise.all([resume(), resume()])
    expect(results.map((r) => r.code).sort()).toEqual([0, 2])
    const loser = results.find((r) => r.code === 2)!
    expect(loser.stderr).toMatch(
      new RegExp(
        `^Run ${id} is being trained by process \\d+ on this machine \\(since \\d\\d:\\d\\d:\\d\\d\\)\\.\\n$`,
      ),
    )
    const epochs = (await readFile(runPaths(home, id).metrics, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; epoch: number })
      .filter((line) => line.type === 'epoch')
      .map((line) => line.epoch)
    expect(epochs).toEqual([1, 2, 3, 4])
  })

  it('waits in line while the trainers its home allows (setting maxTrainers) are busy, then trains', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    // Written as conf writes it; conf itself stays out of this process (see file-store.ts).
    await writeFile(join(home, 'settings.json'), JSON.stringify({ maxTrainers: 1 }))
    // Another process of this home holds the one trainer.
    const busy = await new TrainerSlots({ home, cap: () => 1 }).tryTake('elsewhere')
    expect(busy).not.toBeNull()
    let released = false
    const result = await capture(runTrain, [...tiny(), '--epochs', '1', '--home', home], (text) => {
      if (!released && text.includes('Queued')) {
        released = true
        void busy!.release()
      }
    })
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    expect(result.out).toMatch(
      /^Queued, next in line: the trainers this home allows at once \(setting maxTrainers\) are busy\.\nA trainer is free: training starts\.\n/m,
    )
    expect(result.out).toMatch(/^Completed run /m)
  })

  it('prints JSON events with --json and stops gracefully on Ctrl-C (exit 130)', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    let interrupted = false
    const result = await capture(
      runTrain,
      [...tiny(), '--epochs', '500', '--json', '--home', home],
      (text) => {
        if (!interrupted && text.includes('"runs.progress"')) {
          interrupted = true
          process.emit('SIGINT')
        }
      },
    )
    expect(result.code).toBe(130)
    const events = result.out
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(events[0]).toMatchObject({ event: 'runs.changed' })
    expect(events.at(-1)).toMatchObject({ event: 'result', data: { status: 'stopped' } })
    expect(events.some((e) => e.event === 'runs.status' && e.data.status === 'stopped')).toBe(true)
  })
})
