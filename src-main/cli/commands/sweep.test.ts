import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepRecordSchema, type SweepRecord } from '@common/sweep'
import { isPidAlive, readLock } from '../../engine/process-lock'
import { runPaths } from '../../engine/runs'
import { inProcessTrainerLaunch } from '../../engine/train/in-process-launch'
import { TINY_ARCHITECTURE, writeBarDataset } from '../../engine/train/test-data'
import { runSweep } from './sweep'
import { captureOutput, startCliProcess } from './testing'

let root: string
let data: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnn-sweep-'))
  data = await writeBarDataset(join(root, 'bars'), 300, 100)
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** Runs `sweep` in this process with captured output, its trials trained in this process too. */
function capture(argv: string[]) {
  return captureOutput((streams) => runSweep(argv, { ...streams, launch: inProcessTrainerLaunch() }))
}

/** A sweep of the tiny network over the bar images: 3 random trials of 3 epochs, one at a time. */
const tinySweep = () => ({
  base: {
    dataset: { kind: 'folder', path: data },
    architecture: TINY_ARCHITECTURE,
    epochs: 3,
    batchSize: 30,
    backend: 'cpu',
    replicas: 1,
  },
  method: 'random',
  metric: { name: 'val_accuracy', goal: 'maximize' },
  parameters: { learningRate: { distribution: 'log_uniform', min: 0.003, max: 0.03 } },
  run_cap: 3,
  seed: 5,
})

const readSweep = async (home: string, id: string): Promise<SweepRecord> =>
  sweepRecordSchema.parse(JSON.parse(await readFile(join(home, 'sweeps', id, 'sweep.json'), 'utf8')))

const epochLines = async (home: string, runId: string) =>
  (await readFile(runPaths(home, runId).metrics, 'utf8'))
    .trimEnd()
    .split('\n')
    .filter((line) => line.includes('"type":"epoch"'))

describe('npm run sweep', { timeout: 180_000 }, () => {
  it('refuses a bad sweep file with one sentence naming the key, JSON or YAML, and writes nothing', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    const json = join(root, 'bad.json')
    await writeFile(json, JSON.stringify({ ...tinySweep(), run_cap: undefined }))
    const yaml = join(root, 'bad.yaml')
    await writeFile(
      yaml,
      'base: { epochs: 3 }\nmethod: tpe\nmetric: { name: val_accuracy, goal: maximize }\nrun_cap: 4\n' +
        'parameters:\n  architecture.denseLayers.0.dropout: { distribution: uniform, min: 0.5, max: 0.2 }\n',
    )
    expect(await capture(['start', json, '--home', home])).toEqual({
      code: 2,
      out: '',
      err: `In ${json}: run_cap is needed with method random.\n`,
    })
    expect((await capture(['start', yaml, '--home', home])).err).toBe(
      `In ${yaml}: parameters.architecture.denseLayers.0.dropout.max must be above min.\n`,
    )
    await writeFile(yaml, 'base: [unclosed\n')
    expect((await capture(['start', yaml, '--home', home])).err).toMatch(
      /^The sweep file .* is not valid YAML: /,
    )
    expect(existsSync(join(home, 'sweeps'))).toBe(false)
    expect(existsSync(join(home, 'runs'))).toBe(false)
  })

  it('resumes after kill -9: finished trials kept, the interrupted one from its checkpoint, run_cap trials in all', async () => {
    const home = await mkdtemp(join(root, 'home-'))
    const file = join(root, 'tiny.json')
    await writeFile(file, JSON.stringify(tinySweep()))
    const cli = startCliProcess(['sweep', 'start', file, '--home', home])
    await cli.waitFor(/^Trial 2\/3 epoch 1\/3/m)
    const id = /^Sweep (\S+)/m.exec(cli.output())![1]
    const before = await readSweep(home, id)
    const [first, second] = before.trials
    expect(first.state).toBe('completed')
    const firstLines = await epochLines(home, first.runId!)
    const secondLines = await epochLines(home, second.runId!)
    cli.process.kill('SIGKILL')
    await cli.exited
    // The trainer of trial 2 ends with the process it served; its run is then free to resume.
    const lock = await readLock(runPaths(home, second.runId!).lock)
    while (lock.holder?.child && isPidAlive(lock.holder.child.pid))
      await new Promise((r) => setTimeout(r, 50))

    expect((await capture(['show', id, '--home', home])).out).toMatch(
      new RegExp(`^Sweep ${id} interrupted: 2 of 3`),
    )
    const resumed = await capture(['resume', id, '--home', home])
    expect(resumed.err).toBe('')
    expect(resumed.code).toBe(0)
    expect(resumed.out).toMatch(/^Sweep \S+ completed: 3 of 3 trials \(3 completed\)\. Best val_accuracy /m)

    const after = await readSweep(home, id)
    expect(after.status).toBe('completed')
    expect(after.trials.map((t) => [t.number, t.state])).toEqual([
      [1, 'completed'],
      [2, 'completed'],
      [3, 'completed'],
    ])
    // The finished trial was not trained again: its epochs are the lines it had.
    expect(after.trials[0].runId).toBe(first.runId)
    expect(await epochLines(home, first.runId!)).toEqual(firstLines)
    // The interrupted one went on from its checkpoint: its first epoch kept, each epoch once.
    expect(after.trials[1].runId).toBe(second.runId)
    const lines = await epochLines(home, second.runId!)
    expect(lines[0]).toBe(secondLines[0])
    expect(lines.map((l) => (JSON.parse(l) as { epoch: number }).epoch)).toEqual([1, 2, 3])
    // Exactly run_cap runs, each carrying the sweep's id and its trial.
    const runs = (await readdir(join(home, 'runs'))).filter((name) => !name.startsWith('.'))
    expect(runs).toHaveLength(3)
    const refs = await Promise.all(
      runs.map(
        async (runId) =>
          (JSON.parse(await readFile(runPaths(home, runId).record, 'utf8')) as { sweep: unknown }).sweep,
      ),
    )
    expect(refs).toEqual(expect.arrayContaining([1, 2, 3].map((trial) => ({ id, trial }))))
    // A sweep that has its trials is not resumed again.
    expect((await capture(['resume', id, '--home', home])).err).toBe(
      `Sweep ${id} already has its 3 trials.\n`,
    )
  })
})
