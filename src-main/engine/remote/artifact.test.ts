import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runPaths } from '../run-files/paths'
import { artifactFields, artifactFromHash, snapshotRun, writeArtifact, EPOCH_FIELD } from './artifact'

const homes: string[] = []
afterEach(async () => {
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true })
})

async function runFolder() {
  const home = await mkdtemp(join(tmpdir(), 'artifact-'))
  homes.push(home)
  const paths = runPaths(home, 'r1')
  await mkdir(paths.checkpoints, { recursive: true })
  return paths
}

const epochLine = (epoch: number) =>
  JSON.stringify({
    type: 'epoch',
    epoch,
    trainLoss: 1,
    trainAccuracy: 0.5,
    valLoss: 1,
    valAccuracy: 0.5,
    samplesPerSec: 9,
    elapsedMs: 1,
    time: 't',
  })
const batchLine = (epoch: number, batch: number) =>
  JSON.stringify({
    type: 'batch',
    epoch,
    batch,
    step: (epoch - 1) * 2 + batch,
    loss: 1,
    accuracy: 0.5,
    elapsedMs: 1,
  })

/** A folder as the trainer leaves it after epoch 2, with epoch 3's first sample written. */
async function trainedFolder() {
  const paths = await runFolder()
  for (const folder of ['epoch-000002', 'best-epoch-000001']) {
    await mkdir(join(paths.checkpoints, folder))
    await writeFile(join(paths.checkpoints, folder, 'weights.bin'), Buffer.from([1, 2, 3, folder.length]))
    await writeFile(join(paths.checkpoints, folder, 'state.json'), `{"epoch":"${folder}"}`)
  }
  const lines = [
    batchLine(1, 1),
    batchLine(1, 2),
    epochLine(1),
    batchLine(2, 1),
    batchLine(2, 2),
    epochLine(2),
    batchLine(3, 1),
  ]
  await writeFile(paths.metrics, lines.join('\n') + '\n')
  return { paths, lines }
}

describe('run artifacts', () => {
  it('carry the files up to the newest checkpoint into another folder, replacing what it held', async () => {
    const { paths, lines } = await trainedFolder()
    const snapshot = await snapshotRun(paths)
    expect(snapshot.checkpointEpoch).toBe(2)
    // Through Redis: hash fields and Buffer values, as HGETALL gives them back.
    const fields = artifactFields(snapshot)
    const hash: Record<string, Buffer> = {}
    for (let i = 0; i < fields.length; i += 2) hash[fields[i] as string] = Buffer.from(fields[i + 1])
    const received = artifactFromHash(hash)!

    const target = await runFolder()
    await mkdir(join(target.checkpoints, 'epoch-000001'))
    await writeFile(target.metrics, epochLine(1) + '\n' + epochLine(1) + '\n')
    await writeArtifact(target, received)
    expect((await readdir(target.checkpoints)).sort()).toEqual(['best-epoch-000001', 'epoch-000002'])
    expect(await readFile(join(target.checkpoints, 'epoch-000002', 'weights.bin'))).toEqual(
      Buffer.from([1, 2, 3, 12]),
    )
    // Every line of epochs 1 and 2 once; the sample of unfinished epoch 3 stays behind.
    expect(await readFile(target.metrics, 'utf8')).toBe(lines.slice(0, 6).join('\n') + '\n')
  })

  it('of a run without a checkpoint hold no lines', async () => {
    const paths = await runFolder()
    await writeFile(paths.metrics, batchLine(1, 1) + '\n')
    const snapshot = await snapshotRun(paths)
    expect(snapshot.checkpointEpoch).toBe(0)
    expect(snapshot.files.get('metrics.jsonl')?.toString()).toBe('')
  })

  it('refuse a hash that names a path outside a run folder', () => {
    const hash = { [EPOCH_FIELD]: Buffer.from('2'), 'checkpoints/../../../evil/x': Buffer.from('x') }
    expect(() => artifactFromHash(hash)).toThrow(
      `holds "checkpoints/../../../evil/x", which is not a file of a run folder`,
    )
    expect(() => artifactFromHash({ [EPOCH_FIELD]: Buffer.from('two') })).toThrow(
      'names checkpoint epoch "two"',
    )
    expect(artifactFromHash({})).toBeNull()
  })
})
