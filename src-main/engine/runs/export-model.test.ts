import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunRecord } from '@common/contract'
import { runConfigSchema } from '@common/schemas'
import { checkpointFolder } from '../run-files/checkpoint-paths'
import { exportModel } from './export-model'
import { runPaths } from '../run-files/paths'

function homeWithCheckpoint(id: string, epoch: number, kind: 'latest' | 'best' = 'latest', into?: string) {
  const home = into ?? mkdtempSync(join(tmpdir(), 'export-'))
  const folder = checkpointFolder(runPaths(home, id).checkpoints, epoch, kind)
  mkdirSync(folder, { recursive: true })
  const record: RunRecord = {
    id,
    name: id,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    status: 'completed',
    config: runConfigSchema.parse({}),
    dataset: null,
    backend: null,
    summary: null,
    checkpointEpoch: epoch,
  }
  writeFileSync(runPaths(home, id).record, JSON.stringify(record))
  const manifest = [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }]
  writeFileSync(
    join(folder, 'model.json'),
    JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: manifest }),
  )
  writeFileSync(join(folder, 'weights.bin'), Buffer.from(new Float32Array([1.5, -2]).buffer))
  return home
}

describe('exportModel', () => {
  it('returns the latest checkpoint with its manifest naming the saved weights file', async () => {
    const home = homeWithCheckpoint('run-1', 3)
    const exported = await exportModel(home, 'run-1')
    expect(exported.epoch).toBe(3)
    expect(exported.weightsFileName).toBe('run-1-epoch3.weights.bin')
    const model = JSON.parse(exported.modelJson) as {
      weightsManifest: { paths: string[] }[]
      userDefinedMetadata: Record<string, unknown>
    }
    expect(model.weightsManifest[0].paths).toEqual(['run-1-epoch3.weights.bin'])
    // An MNIST run of before: 28x28 grey digits, said so for programs that load the model.
    expect(model.userDefinedMetadata).toMatchObject({
      inputShape: [28, 28, 1],
      color: 'grey',
      pixelScaling: { scale: 1 / 127.5, offset: -1, range: [-1, 1] },
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    })
    const weights = Buffer.from(exported.weightsBase64, 'base64')
    expect([...new Float32Array(weights.buffer, weights.byteOffset, 2)]).toEqual([1.5, -2])
  })

  it('says so when there is no checkpoint or not the asked epoch', async () => {
    const home = homeWithCheckpoint('run-1', 3)
    mkdirSync(runPaths(home, 'run-2').dir)
    writeFileSync(
      runPaths(home, 'run-2').record,
      readFileSync(runPaths(home, 'run-1').record, 'utf8').replace('"run-1"', '"run-2"'),
    )
    await expect(exportModel(home, 'run-2')).rejects.toThrow(
      'Run run-2 has no checkpoint yet; it saves one after each epoch.',
    )
    await expect(exportModel(home, 'run-1', 2)).rejects.toThrow(
      'keeps only the checkpoints of epoch 3, not 2',
    )
  })

  it('exports the best epoch’s checkpoint that a run keeps beside its latest', async () => {
    const home = homeWithCheckpoint('run-1', 5)
    homeWithCheckpoint('run-1', 3, 'best', home)
    expect((await exportModel(home, 'run-1')).epoch).toBe(5)
    expect((await exportModel(home, 'run-1', 3)).weightsFileName).toBe('run-1-epoch3.weights.bin')
    await expect(exportModel(home, 'run-1', 4)).rejects.toThrow(
      'Run run-1 keeps only the checkpoints of epochs 3 (its best) and 5, not 4.',
    )
  })
})
